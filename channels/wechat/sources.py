"""What a WeChat article is made of, for each kind of item the outbox delivers there.

publish.py asks `source_for(page)` for the article's title, author, digest, cover and
body; everything after that (the limits, the uploads, draft/add or draft/update, submit,
polling) is the same for every kind. An article's body is its own StreamField, read by
ArticleSource. A page type whose article is written from its fields declares its own
source (`wechat_source`, a dotted path: cms.items), an ArticleSource subclass in its own
app: a budget disclosure's and an online interview's both end with a link to the full
page on the site, where the tables, the downloads, the live text and the questions are.
This module names no content app.

WeChat requires a cover. A disclosure has no picture, and an interview may have none, so
those get a plain cover drawn here (`generated_cover`: the same bytes every time, so it
is uploaded once per account).
"""

import io
from functools import cache

from PIL import Image as PILImage
from PIL import ImageDraw

from cms.items import channel_code


def shorten(text, limit):
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ArticleSource:
    """An article page (or any page with a `body` StreamField): read as it is. Limits are
    not worked around here: the editor is told what to shorten."""

    def __init__(self, page):
        self.page = page

    def title(self):
        return self.page.title

    def author(self):
        return getattr(self.page, "author", "") or getattr(self.page, "source", "") or ""

    def digest(self):
        return (getattr(self.page, "summary", "") or "").strip()

    def cover(self):
        """A Wagtail image, the JPEG bytes of a cover, or None."""
        return getattr(self.page, "cover_image", None)

    def body(self, html):
        """The article's content, converted by `html` (a WeChatHTML)."""
        return html.page_body(self.page)


def source_for(page):
    """The source that reads `page` (a specific page or a revision's object): the one its
    type declares (`wechat_source`, cms.items), else the article's."""
    return (channel_code(type(page), "wechat_source") or ArticleSource)(page)


COVER_SIZE = (900, 383)  # WeChat's 2.35:1 cover
COVER_RED = (181, 18, 27)  # the portal's red (html.BASE_STYLES' headings)


@cache
def generated_cover(kind):
    """A plain JPEG cover for items without a picture: the portal's red with a white motif
    (bars for a disclosure's figures, speech bubbles for an interview). No text: fonts
    with Chinese glyphs are not on every server."""
    image = PILImage.new("RGB", COVER_SIZE, COVER_RED)
    draw = ImageDraw.Draw(image)
    white, pale = (255, 255, 255), (236, 180, 183)
    if kind == "disclosure":
        base = 320
        for i, height in enumerate((120, 180, 150, 230, 200)):
            left = 260 + i * 80
            draw.rectangle((left, base - height, left + 50, base), fill=white if i % 2 else pale)
        draw.line((230, base, 670, base), fill=white, width=4)
    else:
        draw.rounded_rectangle((230, 90, 560, 230), radius=30, fill=white)
        draw.polygon(((300, 225), (280, 280), (350, 225)), fill=white)
        draw.rounded_rectangle((400, 180, 680, 300), radius=30, fill=pale)
        draw.polygon(((610, 295), (640, 340), (560, 295)), fill=pale)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
