"""URL map of the whole cluster: the admin, documents, and Wagtail's page serving, which
resolves the site from the request's hostname."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include("search.urls"))]
urlpatterns += [path("wap/", include("channels.wap.urls"))]
urlpatterns += [path("wechat/", include("channels.wechat.urls"))]
urlpatterns += [path("", include(wagtail_urls))]
