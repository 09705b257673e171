"""URL of the public search page on every site's host (the JSON search is the app API's:
channels/api/search.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
