"""Wagtail's own API v2 at /api/v2/, kept for compatibility (and as the benchmark's
baseline, bench/api.py). The app API at /api/v1/ is the supported one."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

router = WagtailAPIRouter("wagtailapi")
router.register_endpoint("pages", PagesAPIViewSet)
router.register_endpoint("images", ImagesAPIViewSet)
