"""M13: the links, images and attachments of every served page of the site, and the pages
themselves, as a citizen's browser would follow them.

Each live public page is fetched through the scan's shared cache (ctx.fetch) and parsed;
every link (a[href]), image (img[src]) and attachment (a link to a document file or to
Wagtail's /documents/) is resolved against the page's address and checked once per scan,
however many pages link to it: a page of the site is read from the same cache, any other
address is asked for its status only (no body). 404, 403 and 410 are certain failures;
any other error status, a timeout or a refused connection is only suspected (a server
having a bad minute). One finding per target, with every page that links to it (address,
title, link text) in its evidence, so a person sees where to fix it and a footer link
broken on 400 pages is one problem, not 400; a page of the site that answers with an
error is a finding of its own.

Not asked: mail, phone, script and data links, a page's own anchors, the admin, links
marked rel="nofollow" (actions such as the accessibility mode switch), and hosts matching
settings.MONITOR_LINK_SKIP_HOSTS (optional, fnmatch patterns). At most
settings.MONITOR_MAX_LINKS (default 5000) targets other than the site's own pages are
asked per scan, in the order the pages (home page first) refer to them; the figures say
how many were checked and skipped.

Finding titles and evidence are stored in Chinese: they are the record a Chinese
inspection reads, whatever language the scan ran in.
"""

import fnmatch
import hashlib
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings

from .models import CheckId, Finding

#: Statuses that prove the target is gone or closed to the public.
CERTAIN_STATUSES = frozenset({403, 404, 410})
#: File types an attachment link points to (lower case, with the dot).
ATTACHMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .xls .xlsx .ppt .pptx .zip .rar .7z .txt .wps .et .dps .ofd .csv".split()
)
#: Link schemes that are not addresses to fetch.
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:", "weixin:", "about:", "blob:")
#: Link text kept in the evidence and the title (a whole paragraph linked is cut).
TEXT_LIMIT = 100
DEFAULT_MAX_LINKS = 5000
#: Pages referring to a broken target listed in its evidence (the count says how many in all).
PARENTS_KEPT = 50

LINK, IMAGE, ATTACHMENT, PAGE = "link", "image", "attachment", "page"


@dataclass
class Occurrence:
    """A target as one page refers to it (the first time it does)."""

    target: str
    kind: str
    text: str


def _is_attachment(url):
    path = urlsplit(url).path.lower()
    if "/documents/" in path:
        return True
    dot = path.rfind(".")
    return dot > path.rfind("/") and path[dot:] in ATTACHMENT_EXTENSIONS


def _is_admin(url):
    path = urlsplit(url).path
    return path == "/admin" or path.startswith("/admin/")


def resolve(reference, base):
    """The absolute address without fragment that `reference` on a page at `base` points
    to, or None for what is not fetched (mail, phone, scripts, the page's own anchors,
    the admin)."""
    reference = (reference or "").strip()
    if not reference or reference.startswith("#"):
        return None
    if reference.lower().startswith(SKIPPED_SCHEMES):
        return None
    url, _fragment = urldefrag(urljoin(base, reference))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _is_admin(url):
        return None
    return url


def _text(tag):
    text = " ".join(tag.get_text(" ").split())
    if not text:
        image = tag.find("img")
        text = (image.get("alt") or "").strip() if image else ""
    if not text:
        text = (tag.get("title") or tag.get("aria-label") or "").strip()
    return text[:TEXT_LIMIT]


def references(html, page_url):
    """[Occurrence] of the links, images and attachments of a served page, each target
    once (its first occurrence), in document order; links marked rel="nofollow" are left
    out."""
    soup = BeautifulSoup(html, "html.parser")
    base_tag = soup.find("base", href=True)
    base = urljoin(page_url, base_tag["href"]) if base_tag else page_url
    found = {}
    for tag in soup.find_all(["a", "img"]):
        if tag.name == "a":
            rel = tag.get("rel") or []
            if "nofollow" in (rel.split() if isinstance(rel, str) else rel):
                # An action, not a document (the accessibility mode switch sets a cookie
                # and goes back): robots are asked not to follow it, and one per page
                # would use up the cap.
                continue
            target = resolve(tag.get("href"), base)
            kind = ATTACHMENT if target and _is_attachment(target) else LINK
            text = _text(tag) if target else ""
        else:
            target = resolve(tag.get("src"), base)
            kind = IMAGE
            text = " ".join((tag.get("alt") or "").split())[:TEXT_LIMIT]
        if target and target not in found:
            found[target] = Occurrence(target, kind, text)
    return list(found.values())


def key_of(target):
    """The finding's key: the target, hashed when it is too long for the column."""
    if len(target) <= 255:
        return target
    return "sha256:" + hashlib.sha256(target.encode("utf-8")).hexdigest()


def certainty_of(fetched):
    """CERTAIN, SUSPECTED, or None when the target answered well."""
    if fetched.status in CERTAIN_STATUSES:
        return Finding.Certainty.CERTAIN
    if fetched.status is None or fetched.status >= 400:
        return Finding.Certainty.SUSPECTED
    return None


def _title(kind, certain, text, target):
    name = text or target
    if kind == IMAGE:
        return f"图片无法显示：{name}" if certain else f"图片疑似无法显示：{name}"
    if kind == ATTACHMENT:
        return f"附件无法下载：{name}" if certain else f"附件疑似无法下载：{name}"
    if kind == PAGE:
        return f"页面无法访问：{name}" if certain else f"页面疑似无法访问：{name}"
    return f"死链：{name}" if certain else f"疑似不可用链接：{name}"


def _excluded(url, patterns):
    host = urlsplit(url).hostname or ""
    return any(fnmatch.fnmatch(host, pattern) for pattern in patterns)


def check(ctx):
    """M13 over every live public page of the site and what its pages link to."""
    pages = ctx.pages()
    page_urls = {url for _page, url in pages}
    served = ctx.map(ctx.fetch, [url for _page, url in pages])
    limit = getattr(settings, "MONITOR_MAX_LINKS", DEFAULT_MAX_LINKS)
    # Hosts never asked (patterns as in MONITOR_RESOLVE): an outside site that refuses
    # robots, or, offline, the national sites every footer links to.
    excluded_hosts = getattr(settings, "MONITOR_LINK_SKIP_HOSTS", ())
    figures = {"pages": len(pages), "failed_pages": 0, "targets": 0, "checked": 0, "skipped": 0}
    figures |= {"certain": 0, "suspected": 0}

    def report(target, kind, text, page, parent_url, fetched, parents=()):
        """One finding per target; a site page answering with an error is its own finding
        (keyed apart from the links to it, which are fixed elsewhere)."""
        certainty = certainty_of(fetched)
        if certainty is None:
            return
        certain = certainty == Finding.Certainty.CERTAIN
        figures["certain" if certain else "suspected"] += 1
        ctx.report(
            CheckId.M13,
            key_of(("page:" if kind == PAGE else "") + target),
            _title(kind, certain, text, target),
            url=target,
            page=page,
            certainty=certainty,
            evidence={
                "target": target,
                "text": text,
                "kind": kind,
                "internal": ctx.is_internal(target),
                "status": fetched.status,
                "error": fetched.error,  # a failed connection; an error status is in "status"
                "parent_url": parent_url,
                "parent_title": page.title,
                # Every page that refers to the target (the first PARENTS_KEPT of them).
                "parents": list(parents)[:PARENTS_KEPT],
                "parent_count": len(parents),
            },
        )

    # The pages themselves, and what each refers to (parsed here: no database involved).
    referring = []  # (page, url, [Occurrence])
    order = []  # distinct targets in the order pages refer to them, home page first
    seen = set()
    for (page, url), fetched in zip(pages, served, strict=True):
        if not fetched.ok:
            figures["failed_pages"] += 1
            report(url, PAGE, page.title, page, url, fetched, parents=[{"url": url, "title": page.title}])
            continue
        if not (fetched.is_html and fetched.text):
            continue
        occurrences = references(fetched.text, url)
        referring.append((page, url, occurrences))
        for occurrence in occurrences:
            if occurrence.target not in seen:
                seen.add(occurrence.target)
                order.append(occurrence.target)
    figures["targets"] = len(order)

    # Pages of the site are already in the scan's cache and cost no request: only the
    # other targets count against the cap.
    to_check, others, skipped = [], 0, 0
    for target in order:
        if target in page_urls:
            to_check.append(target)
        elif _excluded(target, excluded_hosts):
            skipped += 1
        elif others < limit:
            to_check.append(target)
            others += 1
        else:
            skipped += 1
    figures["checked"], figures["skipped"] = len(to_check), skipped

    def status_of(target):
        if target in page_urls:
            return ctx.fetch(target)
        return ctx.fetcher.get(target, body=False)

    results = dict(zip(to_check, ctx.map(status_of, to_check), strict=True))
    # One finding per target, found on its first page, listing every page that refers to it.
    parents = {}
    for page, url, occurrences in referring:
        for occurrence in occurrences:
            if occurrence.target in results:
                parents.setdefault(occurrence.target, []).append(
                    (page, occurrence, {"url": url, "title": page.title, "text": occurrence.text})
                )
    for target, found in parents.items():
        page, occurrence, first = found[0]
        report(
            target,
            occurrence.kind,
            occurrence.text,
            page,
            first["url"],
            results[target],
            parents=[row for _page, _occurrence, row in found],
        )
    ctx.figures["M13"] = figures
    ctx.done(CheckId.M13)
