"""Template tags of the public pages' content: navigation, breadcrumbs, the P01 page-label
meta tags, column feeds. The site itself (`portal`: site, profile, root page, theme) is
put in the context by the cluster's `{% portal_site as portal %}` (sites.templatetags).

Every tag costs a fixed number of queries per page, never one per list item, so a column
list renders with the same query count whatever its length.
"""

import copy
import re
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from wagtail.models import Page

from cms.disclosure import VALIDITY_LABELS
from cms.home_blocks import home_blocks as gather_home_blocks
from cms.neighbours import neighbours
from cms.page_events import EventMemo, last_event
from cms.tree import menu_pages, routed_trail

register = template.Library()

# P01: PubDate is Beijing time whatever the server's time zone.
CHINA_TZ = ZoneInfo("Asia/Shanghai")
PUB_DATE_FORMAT = "%Y-%m-%d %H:%M"


# Menus of the cluster's sites, kept in each process until the tree changes (cms.page_events).
_MENUS = EventMemo()


@register.simple_tag(takes_context=True)
def site_menu(context, page=None):
    """The site's navigation: live children of its home page marked "show in menus". Every
    page of a site shows the same list, so it is read once per change of the tree; each
    request gets its own copies to mark the current section on."""
    portal = context.get("portal")
    if portal is None or portal.root is None:
        return []
    root = portal.root
    kept = _MENUS.get(
        last_event(context.get("request")),
        root.pk,
        lambda: list(menu_pages(root)),
    )
    current_path = getattr(page, "path", "")
    items = [copy.copy(item) for item in kept]
    for item in items:
        item.is_active = bool(current_path) and current_path.startswith(item.path)
    return items


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    """The trail from the site's home page to `page`: the parents routing handed down (no
    query), else one query."""
    portal = context.get("portal")
    trail = []
    if portal is not None and portal.root is not None and page.depth > portal.root.depth:
        trail = routed_trail(page, portal.root)
        if trail is None:
            trail = list(
                Page.objects.ancestor_of(page).filter(depth__gte=portal.root.depth).order_by("depth")
            )
    return {"request": context.get("request"), "trail": trail, "page": page}


@register.filter
def china_time(value, fmt=PUB_DATE_FORMAT):
    """A datetime in Beijing time, e.g. {{ article.display_time|china_time:"%Y-%m-%d" }}."""
    return timezone.localtime(value, CHINA_TZ).strftime(fmt) if value else ""


def page_meta(page, portal, request):
    """P01 page-label meta tags of `page` as (name, content) pairs, in the spec's order."""
    tags = [
        ("SiteName", portal.name),
        ("SiteDomain", portal.site.hostname if portal.site else ""),
        ("SiteIDCode", portal.profile.site_code if portal.profile else ""),
    ]
    label_tags = getattr(page, "page_label_tags", None)
    if label_tags is not None:  # an item type of cms.items: it says its own tags
        tags += label_tags(portal, request, china_time)
    return tags


@register.inclusion_tag("includes/meta_tags.html", takes_context=True)
def page_meta_tags(context, page):
    request = context.get("request")
    tags = page_meta(page, context["portal"], request)
    return {"tags": tags}


@register.simple_tag
def column_feed(column, count=6):
    """The newest `count` live items of a column (its own and syndicated), one query."""
    if column is None or not getattr(column, "live", False):
        return []
    return list(column.articles()[: int(count)])


@register.simple_tag
def page_range(page_obj):
    """Page numbers around the current one, with an ellipsis for the gaps."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))


@register.filter
def validity_label(value):
    """P12: the translated name of a document's validity, empty when not applicable."""
    return VALIDITY_LABELS.get(value, "")


@register.filter
def is_absolute_url(url):
    return isinstance(url, str) and url.startswith(("http://", "https://"))


# Neighbours of the articles read recently, kept in each process until the tree changes.
_NEIGHBOURS = EventMemo(size=4096)


@register.simple_tag(takes_context=True)
def article_neighbours(context, article):
    """上一篇 / 下一篇 of an article in the column it stands in (cms.neighbours), one query
    the first time after a change of the tree; the parent is the one routing found."""
    parent = article.get_parent() if article.depth > 1 else None
    column_id = parent.pk if parent is not None else None
    return _NEIGHBOURS.get(
        last_event(context.get("request")),
        (article.pk, column_id),
        lambda: neighbours(article, column_id),
    )


@register.filter
def body_shows_image(body, image_id):
    """Whether a StreamField body already shows image `image_id` (an image block, or an
    image embedded in its rich text), so a page need not show it again as its cover."""
    if not image_id or not body:
        return False
    embedded = re.compile(rf'<embed\b[^>]*\bembedtype="image"[^>]*\bid="{int(image_id)}"')
    for block in body.raw_data:
        value = block.get("value")
        if block.get("type") == "image":
            shown = value.get("image") if isinstance(value, dict) else value
            if shown == image_id:
                return True
        elif isinstance(value, str) and embedded.search(value):
            return True
    return False


@register.inclusion_tag("includes/meta_tags.html", takes_context=True)
def site_meta_tags(context, name=""):
    """P01 tags of a page that is no Wagtail page (the accessibility statement, a 404, the
    search page): the site's own, and the page's name as its column's."""
    portal = context.get("portal")
    if portal is None:
        return {"tags": []}
    tags = page_meta(None, portal, context.get("request"))
    if name:
        tags += [("ColumnName", name), ("ColumnDescription", name), ("ColumnKeywords", name)]
    return {"tags": tags}


@register.simple_tag
def home_blocks(home):
    """The home page's blocks (cms.home_blocks): 要闻, 图片新闻, 政务动态… by column type."""
    return gather_home_blocks(home)
