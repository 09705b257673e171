"""Pictures for the demo cluster, drawn with Pillow (nothing is downloaded).

Banners and covers are gradient fills in a site's theme colour with hills, a sun and
water lines (Chenzhou's 山水 landscape, abstracted). Machines without CJK fonts are
common, so the only text drawn is an ASCII caption in Pillow's default font.
"""

import random
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont


def _rgb(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def draw_landscape(width, height, theme, *, seed, caption=""):
    """A deterministic picture for `seed`: sky gradient, sun, layered hills, water lines."""
    rng = random.Random(seed)
    base = _rgb(theme)
    white = (255, 255, 255)
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = _mix(base, white, 0.55), _mix(base, (0, 0, 0), 0.15)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, y / max(height - 1, 1)))

    sun_r = height // 7
    sun_x, sun_y = rng.randint(width // 6, width * 5 // 6), rng.randint(height // 6, height // 3)
    draw.ellipse(
        [sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r], fill=_mix(white, (255, 214, 102), 0.6)
    )

    # Three ranges of hills, lighter far away and darker near.
    for layer in range(3):
        shade = _mix(_mix(base, (20, 110, 70), 0.5), white, 0.45 - layer * 0.18)
        baseline = height * (0.55 + layer * 0.12)
        points = [(0, height)]
        x = 0
        while x <= width:
            points.append((x, baseline - rng.uniform(0.05, 0.25) * height))
            x += rng.randint(width // 10, width // 4)
        points += [(width, baseline - rng.uniform(0.05, 0.2) * height), (width, height)]
        draw.polygon(points, fill=shade)

    water_top = int(height * 0.86)
    draw.rectangle([0, water_top, width, height], fill=_mix(base, (30, 90, 160), 0.6))
    for i in range(6):
        y = water_top + 4 + i * max((height - water_top) // 7, 2)
        x0 = rng.randint(0, width // 2)
        draw.line(
            [(x0, y), (x0 + rng.randint(width // 8, width // 3), y)], fill=_mix(white, base, 0.2), width=2
        )

    if caption:
        font = _font(max(height // 12, 12))
        draw.text((width // 30, height // 20), caption, fill=white, font=font)
    return image


def draw_chart(width, height, theme, values, *, caption=""):
    """A bar chart of `values` (for data releases); bars in the theme colour."""
    image = PILImage.new("RGB", (width, height), (250, 250, 248))
    draw = ImageDraw.Draw(image)
    base = _rgb(theme)
    top = max(values) or 1
    margin = width // 12
    slot = (width - 2 * margin) / len(values)
    floor = height - margin
    draw.line([(margin, floor), (width - margin, floor)], fill=(90, 90, 90), width=2)
    for i, value in enumerate(values):
        bar_h = (floor - margin) * value / top
        x0 = margin + i * slot + slot * 0.2
        draw.rectangle(
            [x0, floor - bar_h, x0 + slot * 0.6, floor], fill=_mix(base, (255, 255, 255), 0.25 * (i % 3))
        )
        draw.text((x0, floor - bar_h - 18), str(value), fill=(40, 40, 40), font=_font(14))
    if caption:
        draw.text((margin, margin // 3), caption, fill=(40, 40, 40), font=_font(max(height // 18, 12)))
    return image


def to_image_file(picture, name):
    """Encode a Pillow picture as a JPEG file Django can store."""
    buffer = BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    return ImageFile(buffer, name=name)
