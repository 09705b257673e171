"""Admin URLs answered by scoped versions of Wagtail's views (sites/admin_views.py), for the
views Wagtail builds without a hook to limit them: the page chooser, and the reports whose
rows name every site's pages or whose filters name every site's users. config/urls.py
mounts these in front of wagtail.admin.urls, so the same paths reach these views first;
they are decorated as Wagtail decorates its own (admin access required, never cached)."""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import admin_views

urlpatterns = [
    path("choose-page/", admin_views.BrowseView.as_view()),
    path("choose-page/<int:parent_page_id>/", admin_views.BrowseView.as_view()),
    path("choose-page/search/", admin_views.SearchView.as_view()),
    path("choose-page/chosen-multiple/", admin_views.ChosenMultipleView.as_view()),
    path("choose-external-link/", admin_views.ExternalLinkView.as_view()),
    path("reports/page-types-usage/", admin_views.PageTypesUsageView.as_view()),
    path("reports/page-types-usage/results/", admin_views.PageTypesUsageView.as_view(results_only=True)),
    path("reports/site-history/", admin_views.SiteHistoryView.as_view()),
    path("reports/site-history/results/", admin_views.SiteHistoryView.as_view(results_only=True)),
    path("reports/workflow/", admin_views.WorkflowReportView.as_view()),
    path("reports/workflow/results/", admin_views.WorkflowReportView.as_view(results_only=True)),
]
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
