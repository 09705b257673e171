"""URLs of the interaction app (mounted at /interaction/ by config.urls)."""

from django.urls import path

from . import consultation_views, views

app_name = "interaction"
urlpatterns = [
    path("interviews/<int:page_id>/live.json", views.live_json, name="interview_live"),
    path("interviews/<int:page_id>/ask/", views.ask, name="interview_ask"),
    path("consultations/<int:page_id>/comment/", consultation_views.comment, name="consultation_comment"),
    path("surveys/<int:page_id>/respond/", consultation_views.respond, name="survey_respond"),
]
