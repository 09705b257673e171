"""URLs of the app API, mounted at /api/v1/ (config/urls.py). Read answers are gzipped
when the client accepts it."""

from django.urls import path, re_path
from django.views.decorators.gzip import gzip_page
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail.images.views.serve import ServeView

from . import search, views, write

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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Renditions in the sizes items list (channels/api/renditions.py): made on first request,
    # then a redirect to the stored file.
    re_path(r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$", ServeView.as_view(action="redirect"), name="api-image"),
]
