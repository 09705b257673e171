"""Admin URLs of the outbox, mounted under /admin/channels/ by wagtail_hooks, and each
configured channel's own admin views (its adapter's `admin_urls`) under
/admin/channels/<key>/, in the namespace portal_channels:<key>."""

from django.conf import settings
from django.urls import include, path
from django.utils.module_loading import import_string

from . import views
from .adapters import adapter_class

app_name = "portal_channels"
urlpatterns = [
    path("page/<int:page_id>/", views.page_deliveries, name="page"),
    path("delivery/<int:pk>/retry/", views.retry_delivery, name="retry"),
    path("failures/", views.failures, name="failures"),
]
for channel in settings.CHANNEL_ADAPTERS:
    if admin_urls := adapter_class(channel).admin_urls:
        urlpatterns.append(path(f"{channel}/", include((import_string(admin_urls), channel))))
