"""CORS per site: a browser origin may call the API of a site only if that site's
App 接口设置 lists it (django-cors-headers asks through its check_request_enabled signal;
the global CORS_ALLOWED_ORIGINS stays empty). Connected by the API app's ready()."""

from corsheaders.signals import check_request_enabled
from wagtail.models import Site

from .models import ApiSiteSettings
from .scope import find_site


def site_for(request):
    value = request.GET.get("site")
    if value:
        return find_site(value)
    return Site.find_for_request(request)


def allow_site_origins(sender, request, **kwargs):
    origin = (request.headers.get("Origin") or "").rstrip("/").lower()
    if not origin or not request.path.startswith("/api/v1/"):
        return False
    site = site_for(request)
    if site is None:
        return False
    return origin in ApiSiteSettings.for_site(site).origins


def connect():
    check_request_enabled.connect(allow_site_origins, dispatch_uid="portal_api_cors")
