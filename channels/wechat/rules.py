"""The WeChat article limits as a publishing rule (cms.publish_checks, registered by the
channels app when it starts): an item whose column delivers to WeChat is told at save,
submit, publish and approval what WeChat would refuse (title ≤ 32 characters, a cover, …),
each at the field to change, instead of its delivery failing after it went live.

The article is read as publish.py reads it (sources.py); the body's length is measured on
the converted HTML with placeholder image URLs of WeChat's length, so nothing is uploaded.
"""

import logging

from cms.items import parent_column
from cms.pages import Channel, ColumnPage

from ..outbox import channels_for
from .html import WeChatHTML, limit_problems
from .sources import ArticleSource, source_for

logger = logging.getLogger(__name__)

PLACEHOLDER_IMAGE_URL = "http://mmbiz.qpic.cn/mmbiz_jpg/" + "x" * 80

#: Where an article page (read by ArticleSource as it is) keeps each part of the article.
ARTICLE_FIELDS = {"title": "title", "digest": "summary", "cover": "cover_image", "content": "body"}


def goes_to_wechat(page):
    return bool(page.path) and Channel.WECHAT in channels_for(page)


def _field(source, page, part):
    """The page's form field holding `part`, or "" where the source composes it."""
    if type(source) is ArticleSource:
        if part == "author":
            # ArticleSource takes the author, else the source (来源).
            return "author" if getattr(page, "author", "") else "source"
        return ARTICLE_FIELDS.get(part, "")
    if part == "title" and source.title() == page.title:
        return "title"
    return ""


def wechat_limits(page):
    """(field, message) for each WeChat limit the page breaks, when its column delivers to
    WeChat; [] otherwise."""
    if not goes_to_wechat(page):
        return []
    source = source_for(page)
    column = parent_column(page) or ColumnPage.objects.ancestor_of(page).order_by("-depth").first()
    site = column.get_site() if column is not None else None
    dry = WeChatHTML(base_url=site.root_url if site else "", upload_image=lambda image: PLACEHOLDER_IMAGE_URL)
    try:
        problems = limit_problems(
            title=source.title(),
            author=source.author(),
            digest=source.digest(),
            content=source.body(dry),
            has_cover=source.cover() is not None,
        )
    except Exception:
        # A source that cannot read an unsaved page (a new page in the editor) must not
        # stop the editor; the delivery checks the same limits before anything is sent.
        logger.exception("WeChat limits of page %s could not be checked in the editor", page.pk)
        return []
    return [(_field(source, page, part), message) for part, message in problems]
