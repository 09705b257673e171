"""Images for devices: renditions in the named widths of `cms.pages.API_IMAGE_WIDTHS`,
each as WebP with a JPEG fallback.

The URLs are Wagtail's signed dynamic image URLs (wagtail.images.views.serve), mounted
under /api/v1/images/: building one costs no query, and the rendition is made on the
first request for it, so a list of items costs the same whatever its images.
"""

from functools import cache
from urllib.parse import quote

from django.urls import reverse
from wagtail.images.utils import generate_signature

from cms.pages import API_IMAGE_WIDTHS

FORMATS = ("webp", "jpeg")
VIEW_NAME = "api-image"


@cache
def _url_prefix():
    return reverse(VIEW_NAME, args=("s", "1", "f"))[: -len("s/1/f/")]


def image_url(image, filter_spec):
    """What wagtail.images.views.serve.generate_image_url builds, without a reverse() per
    URL (an item list builds six per image)."""
    signature = generate_signature(image.id, filter_spec)
    filename = image.file.name[len("original_images/") :]
    return f"{_url_prefix()}{signature}/{image.id}/{quote(filter_spec, safe='')}/{filename}"


def image_payload(image, base_url, widths=API_IMAGE_WIDTHS, alt=None):
    """{"alt", "width", "height", "renditions": {name: {"width", "height", "webp", "jpeg"}}}
    for a Wagtail image (None for none). `base_url` makes the URLs absolute."""
    if image is None:
        return None
    renditions = {}
    for name, width in widths.items():
        # Wagtail's width- filter never upscales: a narrow original keeps its own width.
        w = min(width, image.width) if image.width else width
        h = round(image.height * w / image.width) if image.width else None
        renditions[name] = {"width": w, "height": h}
        for fmt in FORMATS:
            renditions[name][fmt] = base_url + image_url(image, f"width-{width}|format-{fmt}")
    if alt is None:
        alt = getattr(image, "description", "") or image.title
    return {
        "id": image.pk,
        "alt": alt,
        "width": image.width,
        "height": image.height,
        "renditions": renditions,
    }
