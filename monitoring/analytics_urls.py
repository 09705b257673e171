"""The admin URLs of page views (M22) and annual website reports (M23), included in the
"monitoring" namespace under /admin/monitoring/ (monitoring.admin_urls)."""

from django.urls import path

from . import analytics_views, annual_report_views

urlpatterns = [
    path("analytics/", analytics_views.analytics_view, name="analytics"),
    path("annual-reports/", annual_report_views.annual_reports_view, name="annual_reports"),
    path(
        "annual-reports/<int:site_id>/<int:year>/",
        annual_report_views.annual_report_view,
        name="annual_report",
    ),
    path(
        "annual-reports/<int:site_id>/<int:year>.docx",
        annual_report_views.annual_report_docx_view,
        name="annual_report_docx",
    ),
]
