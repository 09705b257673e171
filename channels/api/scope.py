"""Which site and language a request reads, and the strict parsing of query parameters.

A request is scoped by `?site=` (a site id or hostname) or else by its host, the way the
web pages are; an unknown site is a 404. The language is the site's (zh-hans or en) unless
`?lang=` asks for the other one.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Site

from cms.dates import day_bound
from sites.models import SiteLocale, SiteProfile

from .problems import bad_param, not_found

LANGUAGES = tuple(SiteLocale.values)


@dataclass
class Scope:
    site: Site
    profile: SiteProfile
    root: Page
    lang: str

    @property
    def base_url(self):
        return self.site.root_url


def find_site(value):
    """A site by id or hostname[:port]; None if there is none."""
    sites = Site.objects.select_related("root_page")
    value = value.strip().lower()
    if value.isascii() and value.isdigit():
        return sites.filter(pk=int(value)).first() if len(value) <= 10 and int(value) <= MAX_ID else None
    host, _, port = value.partition(":")
    if port:
        valid_port = port.isascii() and port.isdigit() and int(port) < 65536
        return sites.filter(hostname=host, port=int(port)).first() if valid_port else None
    return sites.filter(hostname=host).order_by("-is_default_site", "port").first()


def resolve(request):
    """The Scope of a request (404 for an unknown ?site= or a host no site answers)."""
    value = request.query_params.get("site")
    if value:
        site = find_site(value)
        if site is None:
            raise not_found(f"网站 {value} 不存在")
        profile = SiteProfile.for_site(site)
    else:
        site = Site.find_for_request(request._request)
        if site is None:
            raise not_found("没有与此域名对应的网站，请用 site 参数指明网站（网站编号或域名）")
        # Cached on the request: the locale middleware looked it up already.
        profile = SiteProfile.for_request(request._request)
    lang = request.query_params.get("lang") or profile.locale
    if lang not in LANGUAGES:
        raise bad_param("lang", f"应为 {' 或 '.join(LANGUAGES)}")
    return Scope(site=site, profile=profile, root=site.root_page, lang=lang)


def lang_of(request, default="zh-hans"):
    lang = request.query_params.get("lang") or default
    if lang not in LANGUAGES:
        raise bad_param("lang", f"应为 {' 或 '.join(LANGUAGES)}")
    return lang


# Ids are 32-bit integers in the database (Wagtail's page ids); a larger one names nothing.
MAX_ID = 2**31 - 1


def int_param(request, name, minimum=1):
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 12 or not minimum <= int(value) <= MAX_ID:
        raise bad_param(name, "应为正整数")
    return int(value)


def check_id(pk, what):
    """404 for an id in the URL that no row can have."""
    if pk > MAX_ID:
        raise not_found(f"{what} {pk} 不存在")


def page_size(request):
    """?page_size=: a positive integer; above API_MAX_PAGE_SIZE it is capped, not refused."""
    size = int_param(request, "page_size")
    if size is None:
        return settings.API_PAGE_SIZE
    return min(size, settings.API_MAX_PAGE_SIZE)


def date_param(request, name, end=False):
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return day_bound(value, end=end)
    except ValueError:
        raise bad_param(name, "应为日期，如 2014-03-05") from None


def choice_param(request, name, choices):
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if value not in choices:
        raise bad_param(name, f"应为 {'、'.join(choices)} 之一")
    return value


# --- cursors --------------------------------------------------------------------------


def encode_cursor(moment, pk):
    """An opaque cursor after the item (moment, pk) of a newest-first list."""
    raw = f"{moment.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(request, name="cursor"):
    """(moment, pk) of a cursor, None when absent; 400 for anything this API did not make."""
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        if len(value) > 100:
            raise ValueError
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        moment_text, _, pk_text = raw.partition("|")
        moment = parse_datetime(moment_text)
        if moment is None or moment.tzinfo is None or not (pk_text.isascii() and pk_text.isdigit()):
            raise ValueError
        if len(pk_text) > 10 or int(pk_text) > MAX_ID:
            raise ValueError
        # A moment the database cannot store (year 1 east of UTC, 9999-12-31 west of it).
        moment.astimezone(datetime.UTC)
        return moment, int(pk_text)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise bad_param(name, "游标无效，请使用上一页返回的 next_cursor") from None
