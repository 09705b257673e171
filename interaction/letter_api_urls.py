"""The writer's letter endpoints of the app API, mounted at /api/v1/letters/ (config/urls.py)."""

from django.urls import path

from . import letter_api

urlpatterns = [
    path("mailboxes/", letter_api.MailboxesView.as_view(), name="api-letter-mailboxes"),
    path("challenge/", letter_api.ChallengeView.as_view(), name="api-letter-challenge"),
    path("", letter_api.SubmitView.as_view(), name="api-letter-submit"),
    path("lookup/", letter_api.LookupView.as_view(), name="api-letter-lookup"),
    path("evaluate/", letter_api.EvaluateView.as_view(), name="api-letter-evaluate"),
]
