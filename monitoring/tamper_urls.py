"""The tamper restore's admin URL (mounted at /admin/monitoring/, namespace "monitoring"):
POST /admin/monitoring/finding/<id>/restore/ re-publishes the page of an M17 finding."""

from django.urls import path

from .restore import restore_view

urlpatterns = [path("finding/<int:finding_id>/restore/", restore_view, name="tamper_restore")]
