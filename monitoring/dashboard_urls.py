"""The dashboard's admin URLs, mounted under /admin/monitoring/ in the namespace
"monitoring" (monitoring.admin_urls): monitoring:dashboard, monitoring:site, …"""

from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/cluster.<str:fmt>", views.export_cluster, name="export_cluster"),
    path("site/<int:site_id>/", views.site_view, name="site"),
    path("site/<int:site_id>/history/", views.history_view, name="history"),
    path("site/<int:site_id>/scan/", views.scan_now, name="scan_now"),
    path("site/<int:site_id>/findings.<str:fmt>", views.export_site, name="export_site"),
    path("finding/<int:finding_id>/review/", views.review, name="review"),
]
