"""URLs of the app API, mounted at /api/v1/ (config/urls.py). Read answers are gzipped
when the client accepts it."""

from csp.decorators import csp_update
from django.urls import path, re_path
from django.views.decorators.gzip import gzip_page
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail.images.views.serve import ServeView

from sites.csp import template_style_hashes

from . import search, views, write

# Swagger UI's page keeps one fixed inline <style>: this view alone allows it by its hash.
docs_view = csp_update({"style-src": template_style_hashes("drf_spectacular/swagger_ui.html")})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("sites/", gzip_page(views.SitesView.as_view()), name="api-sites"),
    path("sites/<int:pk>/", gzip_page(views.SiteDetailView.as_view()), name="api-site-detail"),
    path("columns/", gzip_page(views.ColumnsView.as_view()), name="api-columns"),
    path("items/", gzip_page(views.ItemsView.as_view()), name="api-items"),
    path("items/<int:pk>/", gzip_page(views.ItemDetailView.as_view()), name="api-item-detail"),
    path("preview/<int:pk>/", gzip_page(views.PreviewView.as_view()), name="api-preview"),
    path("organisations/", gzip_page(views.OrganisationsView.as_view()), name="api-organisations"),
    path("categories/", gzip_page(views.CategoriesView.as_view()), name="api-categories"),
    path("changes/", gzip_page(views.ChangesView.as_view()), name="api-changes"),
    path("search/", gzip_page(search.SearchView.as_view()), name="api_search"),
    path("search/autocomplete/", search.AutocompleteView.as_view(), name="api_search_autocomplete"),
    path("search/hot/", search.HotView.as_view(), name="api_search_hot"),
    path("submissions/", write.SubmissionsView.as_view(), name="api-submissions"),
    path("submissions/<str:external_id>/", write.SubmissionDetailView.as_view(), name="api-submission"),
    path("submissions/<str:external_id>/submit/", write.SubmitView.as_view(), name="api-submission-submit"),
    path(
        "submissions/<str:external_id>/publish/", write.PublishView.as_view(), name="api-submission-publish"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from this address (?script), not
    # inline, so the page runs under the site's Content-Security-Policy (sites/csp.py); its
    # one inline <style> is allowed by its hash, on this view only.
    path("docs/", docs_view, name="api-docs"),
    # Renditions in the sizes items list (channels/api/renditions.py): made on first request,
    # then a redirect to the stored file.
    re_path(r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$", ServeView.as_view(action="redirect"), name="api-image"),
]
