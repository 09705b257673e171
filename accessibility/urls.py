"""The accessibility statement and the mode switch, under /accessibility/ on every site."""

from django.urls import path

from . import views

app_name = "accessibility"

urlpatterns = [
    path("", views.statement, name="statement"),
    path("mode/<str:mode>/", views.set_mode, name="mode"),
]
