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

Several workers render one site's shared pages (a column, the home page) at once when
items of that site are delivered side by side. A render that began earlier reads an
older state of the database; written last, it would hide a newer item until the next
publish. So the files of a site are rendered and written one writer at a time
(`exclusive()`): each render then starts after the previous write, and the last file
written is always the newest state.
"""

import fcntl
import html
import logging
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
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


def sites_of(addresses):
    """{site id: Site} of the sites of `addresses` ((site_id, path, page) triples) that still
    exist, in one query."""
    return Site.objects.in_bulk({site_id for site_id, _path, _page in addresses})


def file_names(addresses, sites=None):
    """{(site_id, path): file name} of `addresses` whose site still exists (`sites`, from
    sites_of(), when the caller has read them already)."""
    sites = sites_of(addresses) if sites is None else sites
    return {
        (site_id, path): file_name(sites[site_id], path)
        for site_id, path, _page in addresses
        if site_id in sites
    }


def meta_policy(policy):
    """The Content-Security-Policy header's value as a <meta> element may carry it."""
    kept = [
        directive.strip()
        for directive in policy.split(";")
        if directive.strip() and directive.split()[0].lower() not in META_FORBIDDEN
    ]
    return "; ".join(kept)


def keepable(response):
    """Whether an HTML answer is the same for every citizen, so it may be kept (as a file
    here, or by the rendered-page cache)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    return b"csrfmiddlewaretoken" not in response.content


def as_file(response):
    """The bytes to store for an in-process answer, or None when it must stay dynamic."""
    if not keepable(response):
        return None
    text = response.content.decode(response.charset or "utf-8")
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


@contextmanager
def exclusive(site_ids):
    """Hold the right to render and write the files of these sites. On PostgreSQL, their
    Site rows locked in a transaction (in id order, so two writers never wait on each
    other); every statement of a render inside it starts after the lock was granted, so
    it sees all that was committed before. SQLite has no row locks: one lock file for the
    whole machine (an SQLite installation is one machine)."""
    if connection.features.has_select_for_update:
        with transaction.atomic():
            list(Site.objects.select_for_update().filter(pk__in=site_ids).order_by("pk").values_list("pk"))
            yield
        return
    lock_path = Path(settings.PUBLISHED_ROOT).with_name("published.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def refresh(addresses, *, gone=(), keep=(), sites=None):
    """Write the files of `addresses` ((site_id, path, page) triples) except those named in
    `keep` (known to be fresh), and delete `gone` (names of files no page is at any more),
    holding their sites (exclusive()). Returns {"files": [...], "removed": [...]}."""
    sites = sites_of(addresses) if sites is None else sites
    written = []
    with exclusive(sorted(sites)):
        for site_id, path, page in addresses:
            site = sites.get(site_id)
            if site is not None and file_name(site, path) not in keep:
                name = write(site, path, page)
                if name:
                    written.append(name)
        stale = sorted(set(gone) - set(written) - set(keep))
        remove(stale)
    return {"files": written, "removed": stale}
