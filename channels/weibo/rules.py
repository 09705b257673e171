"""Weibo's limits as a publishing rule (cms.publish_checks, registered by the app when it
starts): an item whose column posts to the microblog is told at save, submit, publish and
approval what Weibo would refuse, at the field to change, instead of its delivery failing
after it went live: a title too long for a post with its required link (the summary is cut
to fit, the title is not), and a picture Weibo cannot take (images.problem).

The account (not configured, a link outside its safe domain) is not the editor's to fix:
the delivery says it, on the page's 发布渠道 view and in the failures report.
"""

import logging

from wagtail.images import get_image_model

from channels.outbox import channels_for

from .publish import post_problems

logger = logging.getLogger(__name__)

#: The channel's key in CHANNEL_ADAPTERS.
WEIBO = "weibo"
#: Stands in for the link of a page that has no address yet: every link of up to 140
#: characters counts the same (text.py).
PLACEHOLDER_URL = "https://www.example.gov.cn/"


def goes_to_weibo(page):
    return bool(page.path) and WEIBO in channels_for(page)


def image_field(page, image):
    """The name of the page's image field holding `image` ("" if none does)."""
    model = get_image_model()
    for field in page._meta.get_fields():
        if getattr(field, "many_to_one", False) and field.related_model is model:
            if getattr(page, field.attname, None) == image.pk:
                return field.name
    return ""


def weibo_limits(page):
    """(field, message) for each Weibo limit the page breaks when its column posts to the
    microblog; [] otherwise."""
    if not goes_to_weibo(page):
        return []
    try:
        problems = post_problems(page, page.get_full_url() or PLACEHOLDER_URL)
    except Exception:
        # A page the editor has not saved yet may not be readable here; the delivery
        # checks the same limits before anything is sent.
        logger.exception("Weibo limits of page %s could not be checked in the editor", page.pk)
        return []
    found = []
    for part, message in problems:
        field = "title" if part == "text" else ""
        if part == "image":
            field = image_field(page, page.label_image())
        found.append((field, f"政务微博：{message}"))
    return found
