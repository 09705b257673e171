"""Page views (M22): counting one view of a page, and the figures built from the counts —
views per page, column and site, the most-viewed items of a site or column, the top
search terms. docs/analytics.md explains the choice for site managers.

What is stored: one row per page and day with a number (monitoring.models.PageViewDay),
nothing else. No cookie is set and no address is kept: to stop one client from inflating
a page's count, the client's address is turned into a keyed hash (HMAC-SHA256 with a random
salt drawn for the day and kept only in the cache), and that hash only counts how often
the client was counted for a page today, in the cache, until the day ends. After the day
nothing links a count to anyone, in the database or anywhere else.

A column's figure is the sum of its own page and every page below it (found through the
tree path); a site's is the sum of its pages, kept on each row so a site's day is one
index range.
"""

import datetime
import hashlib
import hmac
import re
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from wagtail.models import Page

from cms.items import item_types
from cms.pages import ColumnPage
from search.hot_terms import APPROVED, SHOWN, candidates, client_key, day_salt, until_day_ends

from .models import PageViewDay

# How often one client is counted for one page on one day at most (a reload loop, a
# script): later views that day are answered but not counted. An office behind one NAT
# address shares the allowance, so it is generous.
PER_CLIENT_PAGE_DAY = 20
SALT_KEY = "monitor_pageview:salt:{day}"
SEEN_KEY = "monitor_pageview:seen:{day}:{digest}"

# Clients that are no reader: crawlers, monitors, link checkers, command-line tools and
# headless browsers say so in their User-Agent; an empty one is no browser either.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiv|curl|wget|python|java/|go-http|okhttp|httpclient|libwww|"
    r"headless|phantom|selenium|playwright|puppeteer|lighthouse|monitor|preview|scan|validator|"
    r"fetch|feed|check",
    re.IGNORECASE,
)


class PageCount(NamedTuple):
    """A page with its number of views over a period."""

    page: Page
    views: int


def is_bot(user_agent):
    return not (user_agent or "").strip() or bool(BOT_AGENT.search(user_agent))


# -- counting ----------------------------------------------------------------------------


def within_allowance(day, page_id, client):
    """Whether this view of `page_id` by `client` (an address) may still be counted today.
    The address is only ever an input of the keyed hash; without a client or a working
    cache the view is counted (the allowance is a guard, not the count)."""
    key = client_key(client)
    salt = day_salt(day, SALT_KEY) if key else None
    if not salt:
        return True
    digest = hmac.new(salt.encode(), f"{page_id}\x00{key}".encode(), hashlib.sha256).hexdigest()[:32]
    seen = SEEN_KEY.format(day=day.isoformat(), digest=digest)
    cache.add(seen, 0, until_day_ends(day))
    try:
        times = cache.incr(seen)
    except ValueError:  # evicted between add and incr
        cache.set(seen, 1, until_day_ends(day))
        times = 1
    return times <= PER_CLIENT_PAGE_DAY


def add_view(page, site, day=None):
    """Add one view of `page` (on `site`) to its row of `day` (today): an atomic UPDATE,
    and the row created when there was none. Two first views racing both find no row; the
    second create then meets the unique constraint and updates the row the first made
    (inside a savepoint, so PostgreSQL's transaction stays usable)."""
    day = day or timezone.localdate()
    rows = PageViewDay.objects.filter(page_id=page.pk, day=day)
    if rows.update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            PageViewDay.objects.create(page_id=page.pk, site_id=site.pk, day=day, views=1)
    except IntegrityError:
        rows.update(views=F("views") + 1)


def countable_page(site, page_id):
    """The page `page_id` if a view of it on `site` counts: live, public, in the site's tree."""
    if site is None:
        return None
    root = site.root_page
    return (
        Page.objects.live()
        .public()
        .filter(pk=page_id, path__startswith=root.path, depth__gte=root.depth)
        .only("pk", "path", "depth")
        .first()
    )


# -- periods -----------------------------------------------------------------------------


def _rows(site, start, end):
    return PageViewDay.objects.filter(site=site, day__range=(start, end))


def site_views(site, start, end):
    """All views of the site's pages from `start` to `end` (dates, both included)."""
    return _rows(site, start, end).aggregate(n=Sum("views"))["n"] or 0


def column_views(column, start, end):
    """Views of a column: its own page and every page below it, through the tree path."""
    return (
        PageViewDay.objects.filter(page__path__startswith=column.path, day__range=(start, end)).aggregate(
            n=Sum("views")
        )["n"]
        or 0
    )


def page_views(site, start, end, limit=None):
    """[PageCount] of the site's pages viewed from `start` to `end`, most views first
    (pages deleted since are gone with their rows)."""
    rows = _rows(site, start, end).values("page").annotate(total=Sum("views")).order_by("-total", "page")
    if limit is not None:
        rows = rows[:limit]
    rows = list(rows)
    pages = Page.objects.in_bulk([r["page"] for r in rows])
    return [PageCount(pages[r["page"]], r["total"]) for r in rows if r["page"] in pages]


def daily_views(site, start, end):
    """[(day, views)] for every day from `start` to `end`, days without views as 0."""
    counts = dict(
        _rows(site, start, end).values("day").annotate(total=Sum("views")).values_list("day", "total")
    )
    days = (end - start).days + 1
    return [(day, counts.get(day, 0)) for day in (start + datetime.timedelta(days=n) for n in range(days))]


def column_totals(site, start, end):
    """[PageCount] of the site's columns (their own page and everything below), most views
    first: one query for the counts per page, the columns' sums added up by path prefix."""
    per_path = {}
    for path, total in _rows(site, start, end).values_list("page__path").annotate(total=Sum("views")):
        per_path[path] = per_path.get(path, 0) + total
    columns = {
        c.path: c
        for c in ColumnPage.objects.descendant_of(site.root_page).only(
            "pk", "title", "path", "depth", "url_path"
        )
    }
    sums = dict.fromkeys(columns, 0)
    step = Page.steplen
    for path, total in per_path.items():
        for end_ in range(step, len(path) + 1, step):
            prefix = path[:end_]
            if prefix in sums:
                sums[prefix] += total
    found = [PageCount(columns[p], n) for p, n in sums.items() if n]
    found.sort(key=lambda c: (-c.views, c.page.path))
    return found


def data_days(site):
    """(first day, last day) with counted views on the site, or (None, None)."""
    rows = PageViewDay.objects.filter(site=site)
    first = rows.order_by("day").values_list("day", flat=True).first()
    last = rows.order_by("-day").values_list("day", flat=True).first()
    return first, last


# -- most viewed -------------------------------------------------------------------------


def item_content_types():
    """Content type ids of the item pages a most-viewed list shows: every registered item
    type (cms.items) but the columns, which are where items are, not items."""
    models = [m for m in item_types().values() if not issubclass(m, ColumnPage)]
    if not models:
        return []
    return [ct.pk for ct in ContentType.objects.get_for_models(*models).values()]


def most_viewed(site, column=None, days=30, limit=10, today=None):
    """[PageCount] of the most-viewed live, public items of `site` (below `column`, if
    given) over the last `days` days up to `today`, as specific pages, most views first."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=max(1, int(days)) - 1)
    rows = _rows(site, start, today).filter(page__content_type__in=item_content_types(), page__live=True)
    if column is not None:
        rows = rows.filter(page__path__startswith=column.path).exclude(page_id=column.pk)
    ranked = rows.values("page").annotate(total=Sum("views")).order_by("-total", "page")
    found, offset, batch = [], 0, max(limit * 2, 20)
    # A few ranked ids may be under a view restriction: read on until the list is full.
    while len(found) < limit:
        chunk = list(ranked[offset : offset + batch])
        if not chunk:
            break
        offset += batch
        pages = Page.objects.live().public().filter(pk__in=[r["page"] for r in chunk]).specific().in_bulk()
        for row in chunk:
            page = pages.get(row["page"])
            if page is not None:
                found.append(PageCount(page, row["total"]))
                if len(found) >= limit:
                    break
    return found


# -- search terms ------------------------------------------------------------------------


def top_search_terms(language, days=30, limit=10):
    """The most searched terms of the last `days` days that the moderation lets the public
    see (search.hot_terms: enough different clients, no sensitive word unless approved,
    never a hidden one), as dicts of query, total (searches) and client_days, hottest first."""
    shown = [row for row in candidates(language=language, days=days) if row["state"] in (SHOWN, APPROVED)]
    return [
        {"query": row["query"], "total": row["total"], "client_days": row["client_days"]}
        for row in shown[:limit]
    ]
