"""Activates the public language of the site a request is for."""

from django.utils import translation

from . import resolution
from .language import profile_language
from .models import SiteProfile


class SiteLocaleMiddleware:
    """Public pages speak their site's language (the English portal in English, every
    other site in Chinese), whatever the browser asks for. The admin keeps each user's
    own admin language, which Wagtail activates itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(("/admin/", "/django-admin/")):
            return self.get_response(request)
        profile = None
        if resolution.attach(request) is not None:
            # for_request caches the profile on the request, where the templates find it.
            profile = SiteProfile.for_request(request)
        language = profile_language(profile)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
