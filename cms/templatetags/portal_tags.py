"""Template tags of the public pages: the request's site and profile, navigation,
breadcrumbs, the P01 page-label meta tags, column feeds and accessible theme colours.

Every tag costs a fixed number of queries per page, never one per list item, so a column
list renders with the same query count whatever its length.
"""

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from cms.disclosure import Validity
from cms.pages import ArticlePage, ColumnPage, TopicPage
from sites.models import SiteProfile

register = template.Library()

# P01: PubDate is Beijing time whatever the server's time zone.
CHINA_TZ = ZoneInfo("Asia/Shanghai")
PUB_DATE_FORMAT = "%Y-%m-%d %H:%M"

VALIDITY_LABELS = {
    Validity.VALID: _("Valid"),
    Validity.AMENDED: _("Amended"),
    Validity.REPEALED: _("Repealed"),
    Validity.EXPIRED: _("Expired"),
}

WHITE = "#ffffff"
BLACK = "#000000"
MIN_CONTRAST = 4.5


@dataclass
class Portal:
    """What every public page needs to know about the site it is served for."""

    site: Site | None
    profile: SiteProfile | None
    root: Page | None

    @property
    def lang(self):
        """The html lang attribute (BCP 47: zh-Hans, en)."""
        locale = self.profile.locale if self.profile else "zh-hans"
        return "zh-Hans" if locale == "zh-hans" else locale

    @property
    def name(self):
        return self.site.site_name if self.site else ""

    @property
    def host_organisation(self):
        if self.profile is None:
            return ""
        if self.profile.is_english and self.profile.host_organisation_en:
            return self.profile.host_organisation_en
        return self.profile.host_organisation

    @property
    def theme(self):
        return theme_colours(self.profile.theme_colour if self.profile else "#b5121b")


def get_portal(request):
    """The request's site, its profile and its root page, looked up once per request."""
    if request is None:
        return Portal(None, None, None)
    cached = getattr(request, "_portal", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    profile = root = None
    if site is not None:
        # for_request caches on the request, sharing the lookup with {{ settings.cluster... }}.
        profile = SiteProfile.for_request(request)
        root = site.root_page
    request._portal = portal = Portal(site, profile, root)
    return portal


@register.simple_tag(takes_context=True)
def portal_site(context):
    return get_portal(context.get("request"))


@register.simple_tag(takes_context=True)
def site_menu(context, page=None):
    """The site's navigation: live children of its home page marked "show in menus"."""
    portal = get_portal(context.get("request"))
    if portal.root is None:
        return []
    items = list(Page.objects.live().in_menu().child_of(portal.root).order_by("path"))
    current_path = getattr(page, "path", "")
    for item in items:
        item.is_active = bool(current_path) and current_path.startswith(item.path)
    return items


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    """The trail from the site's home page to `page` (one query)."""
    portal = get_portal(context.get("request"))
    trail = []
    if portal.root is not None and page.depth > portal.root.depth:
        trail = list(Page.objects.ancestor_of(page).filter(depth__gte=portal.root.depth).order_by("depth"))
    return {"request": context.get("request"), "trail": trail, "page": page}


def pub_date(value):
    return timezone.localtime(value, CHINA_TZ).strftime(PUB_DATE_FORMAT) if value else ""


@register.filter
def china_time(value, fmt="%Y-%m-%d %H:%M"):
    """A datetime in Beijing time, e.g. {{ article.display_time|china_time:"%Y-%m-%d" }}."""
    return timezone.localtime(value, CHINA_TZ).strftime(fmt) if value else ""


def page_meta(page, portal, request):
    """P01 page-label meta tags of `page` as (name, content) pairs, in the spec's order."""
    tags = [
        ("SiteName", portal.name),
        ("SiteDomain", portal.site.hostname if portal.site else ""),
        ("SiteIDCode", portal.profile.site_code if portal.profile else ""),
    ]
    if isinstance(page, ColumnPage):
        tags += [
            ("ColumnName", page.title),
            ("ColumnDescription", page.description or page.search_description or page.title),
            ("ColumnKeywords", page.keywords or page.title),
            ("ColumnType", page.column_type),
        ]
    elif isinstance(page, ArticlePage):
        column = (
            ColumnPage.objects.filter(path=page.path[: -page.steplen]).only("title", "column_type").first()
        )
        if column is not None:
            tags += [("ColumnName", column.title), ("ColumnType", column.column_type)]
        tags += [
            ("ArticleTitle", page.title),
            ("PubDate", pub_date(page.display_time)),
            ("ContentSource", page.source or (page.organisation.name if page.organisation else portal.name)),
        ]
        optional = [
            ("Keywords", page.keywords),
            ("Author", page.author),
            ("Description", page.summary or page.search_description),
        ]
        if page.cover_image_id and page.cover_image:
            image_url = page.cover_image.file.url
            optional.append(("Image", request.build_absolute_uri(image_url) if request else image_url))
        optional.append(("Url", page.get_full_url(request)))
        tags += [(name, value) for name, value in optional if value]
    elif isinstance(page, TopicPage):
        tags += [("ColumnName", page.title), ("ColumnDescription", page.summary or page.title)]
    return tags


@register.inclusion_tag("includes/meta_tags.html", takes_context=True)
def page_meta_tags(context, page):
    request = context.get("request")
    tags = page_meta(page, get_portal(request), request)
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


@register.filter
def police_record_code(number):
    """The digits of a 公安机关备案号, which the national filing site's link is keyed by."""
    digits = re.sub(r"\D", "", number or "")
    return digits


def _relative_luminance(hex_colour):
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b):
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darken(hex_colour, factor):
    return "#" + "".join(f"{round(int(hex_colour[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def theme_colours(theme):
    """The theme colour, the text colour to put on it, and an "ink" variant for theme-coloured
    text on white: both pairs keep a contrast of at least 4.5:1 (WCAG AA) whatever colour
    an editor chooses."""
    theme = theme.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", theme or "") else "#b5121b"
    # White where it passes (the usual look of a government portal); otherwise black, which
    # then always passes: no colour is below 4.5:1 against both.
    on = WHITE if contrast_ratio(theme, WHITE) >= MIN_CONTRAST else BLACK
    ink = theme
    factor = 1.0
    while contrast_ratio(ink, WHITE) < MIN_CONTRAST:
        factor -= 0.05
        ink = _darken(theme, factor)
    return {"bg": theme, "on": on, "ink": ink}
