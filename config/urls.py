"""URL map of the whole cluster: the admin, documents, and Wagtail's page serving, which
resolves the site from the request's hostname."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from channels.api.wagtail_v2 import router as wagtail_api_v2
from monitoring.pageview_views import count_view


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says: the SVG icon."""
    return HttpResponsePermanentRedirect(static_url("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz/", include("config.health")),  # health endpoint (config/health.py, docs/deploy.md)
    # Two-factor login (sites/two_factor.py): the code step after Wagtail's password login.
    path("admin/two-factor/", include("sites.two_factor")),
    # Scoped versions of a few of Wagtail's admin views, answering their paths first
    # (sites/admin_urls.py: the page chooser and reports Wagtail offers no hook to limit).
    path("admin/", include("sites.admin_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include("search.urls"))]
# The app API (channels/api, search included) and Wagtail's API v2.
urlpatterns += [path("api/v1/letters/", include("interaction.letter_api_urls"))]
urlpatterns += [path("api/v1/", include("channels.api.urls"))]
urlpatterns += [path("api/v2/", wagtail_api_v2.urls)]
urlpatterns += [path("wap/", include("channels.wap.urls"))]
urlpatterns += [path("wechat/", include("channels.wechat.urls"))]
urlpatterns += [path("accessibility/", include("accessibility.urls"))]
urlpatterns += [path("interaction/", include("interaction.urls"))]
urlpatterns += [path("_pv/", count_view, name="pageview")]  # page views (M22, docs/analytics.md)
urlpatterns += [path("", include(wagtail_urls))]
