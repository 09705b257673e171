"""The picture of a microblog post: the item's own picture (its `label_image()`, the
item protocol's picture), within what statuses/share accepts: JPEG, PNG or GIF, smaller
than WEIBO_IMAGE_MAX_BYTES (5 MB).

A picture already within those limits is sent as it is (a GIF keeps its animation). Any
other still picture (WebP, or a photo over the size) is sent as a JPEG rendition, smaller
step by step until it fits. What cannot be converted without loss is refused with the
reason, for the editor: an animated GIF over the size (a JPEG would freeze it) and a file
no image library can read.
"""

from dataclasses import dataclass

from django.conf import settings
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

#: What statuses/share accepts, by Pillow's format name.
ACCEPTED = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "GIF": ("image/gif", "gif")}
#: The renditions tried, in order, for a picture Weibo would not take as it is.
RENDITIONS = (
    "max-2048x2048|format-jpeg|jpegquality-85",
    "max-1440x1440|format-jpeg|jpegquality-75",
    "max-1080x1080|format-jpeg|jpegquality-65",
)


class ImageRefused(Exception):
    """The item's picture cannot go to Weibo; the message says why, for the editor."""


@dataclass(frozen=True)
class Picture:
    filename: str
    content: bytes
    content_type: str


def max_bytes():
    return settings.WEIBO_IMAGE_MAX_BYTES


def megabytes(size):
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def describe(image):
    """(Pillow format name or None, animated?, size in bytes) of a Wagtail image's file."""
    try:
        with image.open_file() as fh:
            with PILImage.open(fh) as picture:
                kind, animated = picture.format, bool(getattr(picture, "is_animated", False))
            fh.seek(0, 2)
            size = fh.tell()
    except (OSError, UnidentifiedImageError, ValueError):
        return None, False, 0
    return kind, animated, size


def problem(image, described=None):
    """Why the picture cannot go to Weibo (Chinese), or None."""
    kind, animated, size = described or describe(image)
    title = image.title
    if kind is None:
        return f"图片“{title}”无法读取，请重新上传 JPG、PNG 或 GIF 图片"
    limit = max_bytes()
    if kind == "GIF" and animated and size >= limit:
        return (
            f"图片“{title}”是 {megabytes(size)} MB 的 GIF 动图，微博只接受小于 {megabytes(limit)} MB 的图片，"
            "转换会失去动画：请压缩到该大小以内，或改用 JPG、PNG 图片"
        )
    return None


def picture_for(image):
    """The Picture to send for a Wagtail image; raises ImageRefused (see `problem`)."""
    described = describe(image)
    reason = problem(image, described)
    if reason:
        raise ImageRefused(reason)
    kind, _, size = described
    limit = max_bytes()
    if kind in ACCEPTED and size < limit:
        content_type, extension = ACCEPTED[kind]
        with image.open_file() as fh:
            return Picture(f"{image.pk}.{extension}", fh.read(), content_type)
    for spec in RENDITIONS:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as fh:
            content = fh.read()
        if len(content) < limit:
            return Picture(f"{image.pk}.jpg", content, "image/jpeg")
    raise ImageRefused(
        f"图片“{image.title}”转换为 JPG 后仍不小于 {megabytes(limit)} MB，微博不接受，请换一张较小的图片"
    )
