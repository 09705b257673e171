"""URLs of the interaction app (mounted at /interaction/ by config.urls)."""

from django.urls import path

from . import views

app_name = "interaction"
urlpatterns = [
    path("interviews/<int:page_id>/live.json", views.live_json, name="interview_live"),
    path("interviews/<int:page_id>/ask/", views.ask, name="interview_ask"),
]
