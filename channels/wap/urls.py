"""URLs of the WAP site, included under `/wap/` on every site's host (config/urls.py)."""

from django.urls import path

from . import views

app_name = "wap"

urlpatterns = [
    path("", views.page_view, name="home"),
    # Before the page paths: a top-level page slugged "search" is not reachable on WAP.
    path("search/", views.search_view, name="search"),
    path("<path:path>", views.page_view, name="page"),
]
