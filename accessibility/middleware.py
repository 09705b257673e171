"""Applies the reader's mode (accessibility.modes) to public HTML responses: marks them
`Vary: Cookie` so caches keep one copy per mode, and in text-only mode turns images and
embedded media into their text alternatives."""

from django.utils.cache import patch_vary_headers

from . import modes
from .textonly import to_text_only

SKIP_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/static/", "/media/", "/documents/")


class AccessibilityModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.a11y_mode = modes.mode_of(request)
        response = self.get_response(request)
        if request.path.startswith(SKIP_PREFIXES):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        # Every mode's page, the standard one included, depends on the cookie.
        patch_vary_headers(response, ["Cookie"])
        if request.a11y_mode == modes.TEXT and not response.streaming and response.status_code == 200:
            response.content = to_text_only(response.content.decode(response.charset or "utf-8"))
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
