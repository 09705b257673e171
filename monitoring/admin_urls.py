"""The monitor's admin URLs (namespace "monitoring"): the dashboard and its exports, page
views and annual reports, tamper restore."""

from . import analytics_urls, dashboard_urls, tamper_urls

urlpatterns = [*dashboard_urls.urlpatterns, *analytics_urls.urlpatterns, *tamper_urls.urlpatterns]
