"""Admin URLs of the outbox, mounted under /admin/channels/ by wagtail_hooks."""

from django.urls import path

from . import views
from .wechat import views as wechat_views

app_name = "portal_channels"
urlpatterns = [
    path("page/<int:page_id>/", views.page_deliveries, name="page"),
    path("delivery/<int:pk>/retry/", views.retry_delivery, name="retry"),
    path("failures/", views.failures, name="failures"),
    path("page/<int:page_id>/wechat/notify/", wechat_views.notify_followers, name="wechat_notify"),
]
