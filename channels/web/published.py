"""Static publishing (静态发布): published pages kept as files that nginx serves without
Python, refreshed by the web and WAP channels' deliveries.

With settings.STATIC_PUBLISHING on, delivering a page renders it and every page that shows
it (its columns' first pages, its site's and syndicating sites' home pages, its neighbours'
上一篇/下一篇) in process, exactly as an anonymous citizen gets them, and writes each as
`<hostname>/<path>/index.html` into the "published" storage (a local folder by default,
an S3-compatible bucket by setting, so several web nodes or a CDN can serve them). nginx
tries that file first (deploy/nginx/snippets/published.conf) and passes everything else to
gunicorn: query strings (search, later pages of a list), forms, the API, the admin,
previews, signed-in editors and readers in another reading mode.

Only answers that are the same for every citizen become files: a 200 HTML page that sets
no cookie, holds no CSRF token and is not private. Page types whose content changes
without a new revision and without `cms.items.item_changed` (a mailbox's letters, a
consultation's open/closed state) say `publish_as_file = False` on their model.

A file carries the response's Content-Security-Policy as a <meta> element (its style
hashes differ per page; nginx sends the parts a <meta> cannot carry, frame-ancestors).
"""

import html
import logging
import re
from urllib.parse import unquote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from wagtail.models import Site

from sites import inprocess

logger = logging.getLogger(__name__)

INDEX = "index.html"
#: CSP directives a <meta> element may not carry (browsers ignore them there).
META_FORBIDDEN = ("frame-ancestors", "report-uri", "report-to", "sandbox")
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def enabled():
    return bool(getattr(settings, "STATIC_PUBLISHING", False))


def storage():
    return storages["published"]


def file_name(site, path):
    """The storage name of the page at `path` (as Wagtail gives it: percent-encoded) on
    `site`; nginx looks it up by the decoded path ($uri), so the name is decoded too."""
    parts = [part for part in unquote(path).split("/") if part]
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        raise ValueError(f"not a page path: {path!r}")
    return "/".join([site.hostname, *parts, INDEX])


def file_name_for(site_id, path):
    """file_name() for a site given by id (None when the site is gone)."""
    site = Site.objects.filter(pk=site_id).first()
    return file_name(site, path) if site is not None else None


def meta_policy(policy):
    """The Content-Security-Policy header's value as a <meta> element may carry it."""
    kept = [
        directive.strip()
        for directive in policy.split(";")
        if directive.strip() and directive.split()[0].lower() not in META_FORBIDDEN
    ]
    return "; ".join(kept)


def as_file(response):
    """The bytes to store for an in-process answer, or None when it must stay dynamic."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return None
    text = response.content.decode(response.charset or "utf-8")
    if "csrfmiddlewaretoken" in text:
        return None
    policy = response.get("Content-Security-Policy")
    if policy:
        head = _HEAD.search(text)
        if head is None:
            return None  # a policy with nowhere to put it: serve it with its header
        content = html.escape(meta_policy(policy), quote=False).replace('"', "&quot;")
        element = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
        text = text[: head.end()] + element + text[head.end() :]
    return text.encode("utf-8")


def wanted(page):
    """Whether `page` (live, public) may be kept as a file at all."""
    return page.live and getattr(page.specific_class, "publish_as_file", True)


def write(site, path, page=None):
    """Render `path` of `site` and store it, or remove its file when the answer is not one
    to keep (the page went private, a form, an error). Returns the file's name if stored."""
    name = file_name(site, path)
    body = None
    if page is None or wanted(page):
        body = as_file(inprocess.get(site, path))
    if body is None:
        remove([name])
        return None
    storage().save(name, ContentFile(body))
    return name


def remove(names):
    """Delete stored files (missing ones are fine)."""
    store = storage()
    for name in names:
        store.delete(name)


def refresh(addresses, *, gone=()):
    """Write the files of `addresses` ((site_id, path, page) triples) and delete `gone`
    (names of files no page is at any more). Returns {"files": [...], "removed": [...]}."""
    sites = Site.objects.in_bulk({site_id for site_id, _path, _page in addresses})
    written = []
    for site_id, path, page in addresses:
        site = sites.get(site_id)
        if site is not None:
            name = write(site, path, page)
            if name:
                written.append(name)
    stale = sorted(set(gone) - set(written))
    remove(stale)
    return {"files": written, "removed": stale}
