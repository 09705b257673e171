"""URLs of the public search: the page on every site's host and the JSON API."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("api/v1/search/", views.api_search, name="api_search"),
    path("api/v1/search/autocomplete/", views.api_autocomplete, name="api_search_autocomplete"),
    path("api/v1/search/hot/", views.api_hot, name="api_search_hot"),
]
