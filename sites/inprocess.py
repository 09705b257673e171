"""A page of a site rendered in process, as an anonymous citizen gets it: a request through
the whole middleware stack (the site's language, the reading mode's headers, the CSP), with
no server and no session. Static publishing writes these answers as files and the monitor
fingerprints them; both must see exactly what a citizen's browser would."""

from django.conf import settings
from django.test import Client  # a request handler without a server; nothing test-only in it
from django.utils import translation


def site_host(site):
    """The Host header of `site` (its port only when it is not a default one)."""
    return site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"


def site_is_secure(site):
    """Whether citizens reach `site` over HTTPS (so the render takes no redirect to it)."""
    return site.port == 443 or bool(getattr(settings, "SECURE_SSL_REDIRECT", False))


def get(site, path, *, user_agent="", query=None):
    """The response to an anonymous GET of `path` (with `query`, a dict) on `site`."""
    # no-cache: rendered now, never an answer a cache kept from before a publish.
    client = Client(HTTP_HOST=site_host(site), HTTP_USER_AGENT=user_agent, HTTP_CACHE_CONTROL="no-cache")
    # The request's middleware activates the site's language: the caller's (an editor's
    # admin request, a worker's) is put back afterwards.
    with translation.override(translation.get_language()):
        return client.get(path, query or {}, secure=site_is_secure(site))
