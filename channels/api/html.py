"""Bodies as the app shows them: clean HTML with absolute URLs.

Rich text is expanded (internal page and document links become URLs), every block is
turned into plain structural HTML, the result goes through the platform's sanitiser
(cms.sanitize, the same rules as imported content) and every relative `href`/`src` gets
the item's site address, since an app has no page to resolve them against.
"""

import re

from django.utils.html import escape
from wagtail.rich_text import expand_db_html

from cms.sanitize import sanitize_html

from .renditions import image_payload

_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def absolutize(html, base_url):
    """Prefix root-relative href/src values with `base_url` (scheme and host, no slash)."""
    return _RELATIVE.sub(lambda m: f'{m.group(1)}{base_url}{m.group(2)}"', html)


def clean_html(html, base_url):
    return absolutize(sanitize_html(html), base_url)


def rich_text_html(value, base_url):
    """A RichText value (or stored rich text source) as clean absolute HTML."""
    source = getattr(value, "source", value) or ""
    return clean_html(expand_db_html(source), base_url)


def image_tag(payload):
    large = payload["renditions"]["large"]
    return f'<p><img src="{escape(large["jpeg"])}" alt="{escape(payload["alt"])}"></p>'


def body_html(stream, base_url):
    """An article body StreamField as (html, images): clean HTML with absolute URLs, and the
    images it shows with their renditions, in order."""
    parts, images = [], []
    for child in stream:
        kind, value = child.block_type, child.value
        if kind == "paragraph":
            parts.append(expand_db_html(value.source))
        elif kind == "image":
            if value is None:
                continue
            payload = image_payload(value, base_url, alt=_alt_text(value))
            images.append(payload)
            parts.append(image_tag(payload))
        elif kind == "table":
            parts.append(child.block.render(value))
        elif kind == "attachment":
            document = value.get("document")
            if document is not None:
                title = value.get("title") or document.title
                parts.append(f'<p><a href="{escape(document.url)}">{escape(title)}</a></p>')
    return clean_html("".join(parts), base_url), images


def _alt_text(image):
    """ImageBlock values carry the editor's alt text (empty when marked decorative)."""
    if getattr(image, "decorative", False):
        return ""
    return getattr(image, "contextual_alt_text", None) or getattr(image, "description", "") or image.title
