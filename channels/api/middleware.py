"""Any unknown address under /api/v1/ is answered as the app API answers: a problem+json
404 naming the address, not the web site's HTML page (nor Django's debug page under
`make serve`). No route has to come last for it: the 404 of whatever else answered
(Wagtail's page serving) is replaced on its way out."""

from .views import PROBLEM, no_such_endpoint


class ApiNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/v1/")
            and not response.get("Content-Type", "").startswith(PROBLEM)
        ):
            return no_such_endpoint(request)
        return response
