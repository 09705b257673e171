"""HTML sanitising for content that did not come through the rich-text editor (legacy
imports, later a write API).

Legacy systems export whatever their editors pasted in: scripts, inline event handlers,
`javascript:` links, Word's styling. Only a small set of structural tags survives; every
attribute not listed is dropped, and links and images may only point to http(s)/mailto or
to relative URLs.
"""

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "img",
        "h2",
        "h3",
        "h4",
        "span",
        "div",
        "blockquote",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    # Merged cells are common in legacy tables (budgets, personnel lists); without the
    # spans their columns no longer line up.
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with their content, not just unwrapped: their text is code, not prose.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})

# One reusable cleaner: building the rule set per call costs more than cleaning a page.
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    # No target="_blank" survives, so rel="noopener" would only add noise to stored HTML.
    link_rel=None,
    strip_comments=True,
)


def sanitize_html(html):
    """Return `html` with everything outside the allowed tags, attributes and URL schemes
    removed (event attributes such as onclick, <script>, <style>, <iframe>, javascript:)."""
    return _cleaner.clean(html or "")
