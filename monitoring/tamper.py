"""M17 defacement and X04 tamper detection: what citizens are served compared with what the
platform published (the fingerprints of monitoring.fingerprints).

For every live page of the site with a fingerprint, the served page is fetched through the
site's public address and compared:

- its main content region's digest differs → 网页内容与发布时不一致, with a short text diff;
- a script (external address or inline code) the fingerprint does not have → 被注入脚本;
- an iframe the fingerprint does not have → 被注入 iframe.

A difference is only reported when the platform itself does not produce it now: the page
is rendered again in process (a list page changes with every publish, an item's content
can change without a revision, a deployment renames static files) and what that render
also has is no tampering; the stale fingerprint is re-taken.

Hidden links (an `<a href>` inside an element hidden by its inline style, by a class or id
an inline `<style>` hides, or by the `hidden` attribute) are looked for in every page this
check fetched (the fingerprinted pages and the home page) and every page another check has
already fetched in this scan, fingerprint or not. The platform writes no inline styles on
public pages (its Content-Security-Policy forbids them), so a link hidden by one is always
reported; it does hide its own script-revealed controls (the accessibility toolbar) with
the `hidden` attribute, so a link hidden by the attribute or a stylesheet rule is reported
when it leads off the site.

A page that cannot be fetched is no tampering (M01 and M13 report that). Every finding is
certain: the difference is there to see in the evidence.
"""

import difflib
import re
from urllib.parse import urljoin, urlsplit

from .fingerprints import enabled, own_hosts, render, summarise
from .fingerprints import enqueue as enqueue_fingerprints
from .models import CheckId, Finding, Fingerprint

TITLES = {
    "content": "网页内容与发布时不一致",
    "script": "被注入脚本",
    "iframe": "被注入 iframe",
    "hidden_link": "隐藏链接",
}
#: Bounds of the evidence: diff lines and characters, hidden links listed.
DIFF_LINES = 24
DIFF_CHARS = 1500
MAX_LINKS = 20
#: An element pushed this far off the top or left edge (px) is hidden.
OFF_SCREEN_PX = 500

_LENGTH = re.compile(r"^(-?\d*\.?\d+)(px|em|rem|pt|vw|vh|%)?$")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_OFFSETS = ("left", "top", "margin-left", "margin-top", "text-indent")
_SIZES = ("height", "max-height", "width", "max-width")


# -- hidden links -----------------------------------------------------------------------------


def _length(value):
    """A CSS length in px (em and rem at 16px), None when it cannot be told."""
    match = _LENGTH.match(value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    if number == 0:
        return 0.0
    return {"px": number, "em": number * 16, "rem": number * 16, "pt": number * 4 / 3}.get(unit)


def _declarations(style):
    found = {}
    for declaration in _CSS_COMMENT.sub("", style).split(";"):
        name, _, value = declaration.partition(":")
        value = value.lower().replace("!important", "").strip()
        if name.strip() and value:
            found[name.strip().lower()] = value
    return found


def hides(style):
    """Whether CSS declarations make their element invisible."""
    css = _declarations(style)
    if css.get("display") == "none" or css.get("visibility") in ("hidden", "collapse"):
        return True
    if _length(css.get("font-size", "1")) == 0 or css.get("opacity", "1").strip() in ("0", "0.0", ".0"):
        return True
    overflow = {css.get(name, "") for name in ("overflow", "overflow-x", "overflow-y")}
    if overflow & {"hidden", "clip"} and any(_length(css.get(name, "1")) == 0 for name in _SIZES):
        return True
    for name in _OFFSETS:
        length = _length(css.get(name, "0"))
        if length is not None and length <= -OFF_SCREEN_PX:
            return True
    return False


def _stylesheet_rules(soup):
    """(classes, ids) an inline <style> of the page hides by a simple selector."""
    classes, ids = set(), set()
    for style in soup.find_all("style"):
        for selectors, body in _RULE.findall(_CSS_COMMENT.sub("", style.get_text())):
            if not hides(body):
                continue
            for selector in selectors.split(","):
                selector = selector.strip()
                if re.fullmatch(r"\.[\w-]+", selector):
                    classes.add(selector[1:])
                elif re.fullmatch(r"#[\w-]+", selector):
                    ids.add(selector[1:])
    return classes, ids


def _hidden_by(element, classes, ids):
    """ "style" when the element or an ancestor is hidden by its inline style, "rule" when by
    the hidden attribute or a stylesheet rule, None when visible."""
    how = None
    for node in [element, *element.parents]:
        if getattr(node, "attrs", None) is None:
            continue
        if node.get("style") and hides(node["style"]):
            return "style"
        if (
            node.has_attr("hidden")
            or set(node.get("class") or ()) & classes
            or (node.get("id") and node["id"] in ids)
        ):
            how = "rule"
    return how


def hidden_links(soup, page_url, hosts):
    """[{"href", "text"}] of the links a reader cannot see (see the module docstring)."""
    classes, ids = _stylesheet_rules(soup)
    found = []
    for link in soup.find_all("a", href=True):
        href = link["href"].strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        how = _hidden_by(link, classes, ids)
        if how is None:
            continue
        address = urljoin(page_url, href)
        off_site = (urlsplit(address).hostname or "").lower() not in hosts
        if how == "style" or off_site:
            found.append({"href": address[:500], "text": link.get_text(" ", strip=True)[:100]})
    return found


# -- comparing with the fingerprint -------------------------------------------------------------


def text_diff(expected, served):
    """A short unified diff of the main text, published → served."""
    # The first two lines name the two sides (---, +++).
    lines = list(difflib.unified_diff(expected, served, "发布时", "当前", n=1, lineterm=""))[2:]
    excerpt = "\n".join(lines[:DIFF_LINES])
    if len(lines) > DIFF_LINES:
        excerpt += "\n…"
    return excerpt[:DIFF_CHARS]


def _script_label(key, excerpt):
    if key.startswith("sha256:"):
        return f"内联脚本 {key[:19]}…：{excerpt[:120]}"
    return key


def _targets(ctx):
    """[(page, url, fingerprint or None)]: the fingerprinted live pages, the home page and
    the pages another check already fetched."""
    pages = ctx.pages()
    live = {page.pk for page, _url in pages}
    fingerprints = {
        fp.page_id: fp
        for fp in Fingerprint.objects.filter(page__path__startswith=ctx.site.root_page.path)
        if fp.page_id in live
    }
    served = ctx.fetched_urls()  # what this scan has fetched so far
    targets = []
    for index, (page, url) in enumerate(pages):
        fingerprint = fingerprints.get(page.pk)
        if fingerprint is not None or index == 0 or url in served:
            targets.append((page, url, fingerprint))
    return targets


def check(ctx):
    hosts = own_hosts(ctx.site, ctx.base_url)
    targets = _targets(ctx)
    fetched = ctx.map(ctx.fetch, [url for _page, url, _fp in targets])
    examined, tampered, stale = 0, set(), []
    for (page, url, fingerprint), answer in zip(targets, fetched, strict=True):
        if not answer.ok or not answer.is_html or not answer.text:
            continue  # unreachable: availability and links report it
        examined += 1
        served = summarise(answer.text, url, hosts)
        evidence = {
            "added_scripts": [],
            "added_frames": [],
            "hidden_links": [],
            "diff": "",
            "fingerprint_at": fingerprint.taken_at.isoformat() if fingerprint else None,
            "revision_id": fingerprint.revision_id if fingerprint else None,
        }
        found = {}
        links = hidden_links(served.soup, url, hosts)
        if links:
            found["hidden_link"] = {"hidden_links": links[:MAX_LINKS]}
        if fingerprint is not None:
            found.update(_compare(page, served, fingerprint, stale))
        for kind, details in found.items():
            tampered.add(page.pk)
            ctx.report(
                CheckId.M17,
                f"{page.pk}:{kind}",
                f"{TITLES[kind]}：{page.title}",
                url=url,
                page=page,
                certainty=Finding.Certainty.CERTAIN,
                evidence={**evidence, "kind": kind, **details},
            )
    if stale and enabled():
        enqueue_fingerprints(stale)
    ctx.figures[CheckId.M17] = {"pages": examined, "tampered": len(tampered)}
    ctx.done(CheckId.M17)


def _compare(page, served, fingerprint, stale):
    """{kind: evidence} of the differences between a served page and its fingerprint that
    the platform does not produce itself now."""
    changed = served.digest != fingerprint.digest
    known_scripts = set(fingerprint.scripts)
    scripts = [key for key in served.scripts if key not in known_scripts]
    frames = [frame for frame in served.frames if frame not in fingerprint.frames]
    if not (changed or scripts or frames):
        return {}
    # In the calling thread: the render reads the content model.
    rendered = render(page)
    current = rendered[0] if rendered else None
    if current is not None:
        if (current.digest, sorted(current.scripts), current.frames) != (
            fingerprint.digest,
            sorted(fingerprint.scripts),
            fingerprint.frames,
        ):
            stale.append(page.pk)
        changed = changed and served.digest != current.digest
        scripts = [key for key in scripts if key not in current.scripts]
        frames = [frame for frame in frames if frame not in current.frames]
    found = {}
    if changed:
        found["content"] = {"diff": text_diff(current.lines, served.lines) if current else ""}
    if scripts:
        found["script"] = {"added_scripts": [_script_label(key, served.scripts[key]) for key in scripts]}
    if frames:
        found["iframe"] = {"added_frames": frames}
    return found
