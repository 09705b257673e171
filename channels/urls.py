"""Admin URLs of the outbox, mounted under /admin/channels/ by wagtail_hooks."""

from django.urls import path

from . import views

app_name = "portal_channels"
urlpatterns = [
    path("page/<int:page_id>/", views.page_deliveries, name="page"),
    path("delivery/<int:pk>/retry/", views.retry_delivery, name="retry"),
    path("failures/", views.failures, name="failures"),
]
