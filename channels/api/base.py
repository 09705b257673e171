"""What every app API view shares: strict query parameters, problem+json errors,
anonymous throttling, and HTTP caching (ETag / Last-Modified / 304, Cache-Control)."""

import hashlib
from calendar import timegm

from django.conf import settings
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from channels.web import page_cache
from sites.client_address import client_address

from .problems import bad_param, handle_exception, unknown_params


class AnonThrottle(AnonRateThrottle):
    """Anonymous readers per client address; the rate is read from the settings on every
    request (DRF's own class freezes it at import)."""

    scope = "portal_api_anon"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view):
        if request.auth is not None:  # an API key's system is known and not throttled
            return None
        return super().get_cache_key(request, view)

    def get_ident(self, request):
        # The one client-address rule (trusted proxies only), not DRF's raw X-Forwarded-For.
        return client_address(request._request)


class UnicodeJSONRenderer(JSONRenderer):
    charset = "utf-8"


class ApiView(APIView):
    """A read endpoint. Subclasses list their query parameters in `params`; any other is a
    400 naming it. They may set `self.last_modified` (an aware datetime) while answering."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [AnonThrottle]
    renderer_classes = [UnicodeJSONRenderer]
    params = frozenset()
    #: Cache-Control of a successful answer; None → public, max-age=API_CACHE_MAX_AGE
    cache_control = None
    #: Whether the rendered-page cache (channels/web/page_cache.py) may keep a successful
    #: anonymous answer: public reads that change only when something is published.
    page_cacheable = False
    last_modified = None

    def get_exception_handler(self):
        return handle_exception

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.last_modified = None
        unknown = set(request.query_params) - set(self.params)
        if unknown:
            raise unknown_params(unknown)
        for name, values in request.query_params.lists():
            # No parameter of this API may hold NUL, and PostgreSQL refuses it even in a lookup.
            if any("\x00" in value for value in values):
                raise bad_param(name, "含有空字符（\\u0000）")

    def handle_in_language(self, lang, answer):
        with translation.override(lang):
            return answer()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response["Cache-Control"] = self.cache_control or f"public, max-age={settings.API_CACHE_MAX_AGE}"
        patch_vary_headers(response, ["Host"])
        if self.page_cacheable:
            page_cache.allow(request._request)
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        timestamp = None
        if self.last_modified is not None:
            timestamp = timegm(self.last_modified.utctimetuple())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request._request, etag=etag, last_modified=timestamp, response=response
        )
