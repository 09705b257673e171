"""The rendered-page cache: what the application itself answers for pages it rendered a
moment ago, so a page asked for again (a later page of a long list, a burst of readers
on one item while static publishing is off or the request bypasses the files) costs one
cache read instead of routing, queries and templates.

What is kept: answers of Wagtail pages whose type may be kept (`publish_as_file`) that
static publishing would keep too (channels/web/published.keepable: 200, HTML, no cookie
set, not private, no CSRF token), and the app API's public reads that say so
(`allow()`: lists and details, not search, whose every request counts towards the hot
terms, nor previews); for readers who are not signed in, send no credentials and no Origin
(CORS answers differ per origin); keyed by scheme, host, full path with query string,
reading mode and whether the client takes gzip. A stored answer with an ETag answers a
matching If-None-Match with 304, as the view would. A hit is not counted against the API's
anonymous rate limit: it costs the application nothing. Every publish, unpublish and `item_changed` moves the
cluster's generation on, which retires every entry at once; an entry also expires after
PAGE_CACHE_SECONDS (blocks that follow the clock: an interview going live). An answer is
stored under the generation its request began in, so a render that read the database
before a publish never serves after it. PAGE_CACHE_SECONDS = 0 switches it off.

It is the outermost middleware after the health check: a hit skips the rest of the stack,
and what is stored is the answer as it left the stack (its security headers and
Content-Security-Policy included). A request the stack would redirect (HTTP to HTTPS) or
refuse (an unknown host) never had a stored answer, so it misses and takes the full path.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse

from . import published

GENERATION_KEY = "portal:page-cache:generation"
SESSION_COOKIE_HINT = "sessionid"
A11Y_COOKIE = "a11y_mode"


def seconds():
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def generation():
    return cache().get_or_set(GENERATION_KEY, 1, timeout=None)


def retire_all():
    """Move the generation on: every stored page is stale from now."""
    store = cache()
    try:
        store.incr(GENERATION_KEY)
    except ValueError:
        store.set(GENERATION_KEY, 2, timeout=None)


def retire_after_commit(*args, **kwargs):
    """A receiver for the signals that change what pages show (connected in ready())."""
    if seconds():
        transaction.on_commit(retire_all)


def key(request, generation_number):
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    mode = request.COOKIES.get(A11Y_COOKIE, "")
    gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    raw = f"{request.scheme}://{host}{request.get_full_path()}|{mode}|{gzip}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return f"portal:page:{generation_number}:{digest}"


def may_look_up(request):
    return (
        request.method in ("GET", "HEAD")
        and SESSION_COOKIE_HINT not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "Authorization" not in request.headers
        and "Origin" not in request.headers
    )


def allow(request):
    """A view's answer to `request` may be kept (the app API's public reads call this)."""
    request._portal_page_cacheable = True


def connect():
    """Retire the stored pages whenever what pages show changes (ChannelsConfig.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, Site
    from wagtail.signals import page_published, page_unpublished

    from cms.items import item_changed
    from sites.models import SiteProfile

    page_published.connect(retire_after_commit, dispatch_uid="portal_page_cache_published")
    page_unpublished.connect(retire_after_commit, dispatch_uid="portal_page_cache_unpublished")
    item_changed.connect(retire_after_commit, dispatch_uid="portal_page_cache_item_changed")
    post_delete.connect(retire_after_commit, sender=Page, dispatch_uid="portal_page_cache_deleted")
    # Every page shows its site's name and profile (the footer, the theme colour).
    post_save.connect(retire_after_commit, sender=SiteProfile, dispatch_uid="portal_page_cache_profile")
    post_save.connect(retire_after_commit, sender=Site, dispatch_uid="portal_page_cache_site")


def mark_page(page, request, serve_args, serve_kwargs):
    """Wagtail's before_serve_page hook: the answer is a page whose type may be kept."""
    request._portal_page_cacheable = getattr(page.specific_class, "publish_as_file", True)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not seconds() or not may_look_up(request):
            return self.get_response(request)
        cache_key = key(request, generation())
        if cache_key is None:
            return self.get_response(request)
        # A reload that asks for a fresh page (and the platform's own renders for static
        # publishing and the monitor, sites/inprocess.py) is rendered, then stored.
        fresh = "no-cache" in request.headers.get("Cache-Control", "")
        stored = None if fresh else cache().get(cache_key)
        if stored is not None:
            return self.answer(request, *stored)
        response = self.get_response(request)
        if self.storable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
            cache().set(cache_key, (response.status_code, headers, response.content), seconds())
        return response

    @staticmethod
    def answer(request, status, headers, content):
        response = HttpResponse(content if request.method == "GET" else b"", status=status)
        for name, value in headers:
            response[name] = value
        etag = response.get("ETag")
        if etag and etag in request.headers.get("If-None-Match", ""):
            not_modified = HttpResponse(status=304)
            for name in ("ETag", "Cache-Control", "Vary", "Last-Modified"):
                if response.has_header(name):
                    not_modified[name] = response[name]
            return not_modified
        return response

    @staticmethod
    def storable(request, response):
        if request.method != "GET" or not getattr(request, "_portal_page_cacheable", False):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        if response.get("Content-Type", "").startswith("text/html"):
            return published.keepable(response)
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
