"""Wagtail's own API v2 at /api/v2/, kept for compatibility (and as the benchmark's
baseline, bench/api.py): its pages endpoint only. The app API at /api/v1/ is the supported
one. Its images endpoint is not mounted: it listed every image of every site, drafts'
included; the app API gives the images of public items as renditions."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet


class RejectNulMixin:
    """A 400 for NUL in a query parameter (from %00): PostgreSQL refuses it in any query,
    which would otherwise be a 500. Answered in v2's own error shape ({"message": …})."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequestError(f"参数 {name.replace(chr(0), '')} 不能包含空字符（%00）")


class PagesAPI(RejectNulMixin, PagesAPIViewSet):
    pass


router = WagtailAPIRouter("wagtailapi")
router.register_endpoint("pages", PagesAPI)
