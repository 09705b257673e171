"""Cache-Control of public HTML pages, decided once for every site (docs/deploy.md, 静态发布).

A page is public and the same for every reader when it is a 200 HTML answer to a GET that
sets no cookie, for a reader who is not signed in and reads in the standard mode: such an
answer says `public, no-cache` (any cache may keep it, but must ask again before using it,
so a publish is visible at once; the published files nginx sends say the same,
deploy/nginx/snippets/published.conf). Anything personal says `private, no-cache`. A view
that chose its own Cache-Control (the API, health, previews) keeps it; the admin is left
to Wagtail. `Vary: Cookie` stays (accessibility/middleware.py): one address, one page per
reading mode.
"""

from django.utils.cache import patch_cache_control

from sites.admin_area import is_admin_request

#: The reading mode whose page static publishing keeps (accessibility.modes.STANDARD).
STANDARD_MODE = "standard"


class PublicCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.has_header("Cache-Control") or is_admin_request(request):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        personal = (
            bool(response.cookies)
            or getattr(request, "a11y_mode", STANDARD_MODE) != STANDARD_MODE
            or (user is not None and user.is_authenticated)
        )
        if personal:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, no_cache=True)
        return response
