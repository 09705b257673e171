"""访问统计 in the admin (M22): a site's page views per day over a chosen period, as an
accessible table with a bar chart beside it, its most-viewed pages and columns, and the
top search terms the moderation lets the public see.

Who sees what: a superuser every site; anyone else the sites they may edit pages of (the
page permissions of sites.admin_scope). Asking for another site, or an id that is none, is
a 404, so ids reveal nothing. monitoring.annual_report_views scopes the same way.
"""

import datetime

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from search.language import analysis_language

from . import analytics
from .scope import site_or_404, visible_sites

ROLLING = (
    ("7", gettext_lazy("Last 7 days")),
    ("30", gettext_lazy("Last 30 days")),
    ("90", gettext_lazy("Last 90 days")),
    ("365", gettext_lazy("Last 365 days")),
)
DEFAULT_PERIOD = "30"
TOP = 20
# The search log the top terms are read from looks back from today (search.hot_terms).
YEAR_TERMS_DAYS = 30
CHART_WIDTH, CHART_HEIGHT = 600, 160


def _years(site):
    first, last = analytics.data_days(site)
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def parse_period(value, today, years):
    """(value, label, start, end, problem) for the `period` parameter: a rolling window of
    ROLLING's days ending today, or `yYYYY`, a year with counts. Anything else: the default
    window, with a problem to show."""
    value = (value or "").strip()
    rolling = dict(ROLLING)
    if value == "":
        value = DEFAULT_PERIOD
    if value in rolling:
        start = today - datetime.timedelta(days=int(value) - 1)
        return value, str(rolling[value]), start, today, None
    if value.startswith("y") and value[1:].isdigit() and int(value[1:]) in years:
        year = int(value[1:])
        label = gettext("Year %(year)s") % {"year": year}
        return value, label, datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today), None
    start = today - datetime.timedelta(days=int(DEFAULT_PERIOD) - 1)
    problem = gettext("There is no such period; the last 30 days are shown.")
    return DEFAULT_PERIOD, str(rolling[DEFAULT_PERIOD]), start, today, problem


def chart(daily):
    """Bars of a simple SVG chart of the daily views (the table beside it has the figures)."""
    if not daily:
        return None
    highest = max(views for _, views in daily) or 1
    width = CHART_WIDTH / len(daily)
    bars = []
    for index, (day, views) in enumerate(daily):
        height = round(CHART_HEIGHT * views / highest, 1)
        bars.append(
            {
                "x": round(index * width, 2),
                "y": round(CHART_HEIGHT - height, 1),
                "width": max(round(width * 0.8, 2), 0.5),
                "height": height,
                "title": f"{day:%Y-%m-%d}: {views}",
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "highest": highest}


def _page_row(item):
    return {
        "title": item.page.title,
        "views": item.views,
        "edit_url": reverse("wagtailadmin_pages:edit", args=[item.page.pk]),
        "url": item.page.url,
    }


def analytics_view(request):
    sites = list(visible_sites(request.user))
    context = {"page_title": gettext("Page views"), "sites": sites, "site": None}
    if not sites:
        return TemplateResponse(request, "monitoring/analytics.html", context)
    requested = request.GET.get("site", "")
    site = site_or_404(request.user, requested) if requested else sites[0]
    today = timezone.localdate()
    years = _years(site)
    period, label, start, end, problem = parse_period(request.GET.get("period"), today, years)
    daily = analytics.daily_views(site, start, end)
    total = sum(views for _, views in daily)
    terms_days = (end - start).days + 1 if period in dict(ROLLING) else YEAR_TERMS_DAYS
    context.update(
        site=site,
        periods=[(value, str(name)) for value, name in ROLLING]
        + [(f"y{year}", gettext("Year %(year)s") % {"year": year}) for year in years],
        period=period,
        period_label=label,
        start=start,
        end=end,
        problem=problem,
        daily=list(reversed(daily)),  # the latest day first in the table
        total=total,
        chart=chart(daily) if total else None,
        chart_label=gettext("Page views per day, %(start)s to %(end)s") % {"start": start, "end": end},
        top_pages=[_page_row(item) for item in analytics.page_views(site, start, end, limit=TOP)],
        top_columns=[_page_row(item) for item in analytics.column_totals(site, start, end)[:TOP]],
        terms=analytics.top_search_terms(analysis_language(site), days=terms_days, limit=10),
        terms_caption=gettext("Top search terms of the last %(days)s days") % {"days": terms_days},
        reports_url=reverse("monitoring:annual_reports"),
    )
    return TemplateResponse(request, "monitoring/analytics.html", context)
