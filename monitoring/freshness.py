"""Is the site kept up to date? M03 (the homepage), M05 (items whose publish date is not
visible), M06 (each column against its required update frequency, which feeds the M07 and
M08 veto lines) and M09 (blank columns).

What counts is what citizens see: the homepage's last update is the newest date shown on
the served homepage (the content model's newest item when the homepage cannot be fetched),
and a column's last update is its newest item whose date is visible on the item's served
page; an item showing no date counts as not updated (M05), and the next one is tried.
"""

import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from cms.items import is_item
from cms.listing import ColumnListing
from cms.pages import ColumnPage, UpdateFrequency

from .models import CheckId

#: Dates as government pages print them: 2014-06-30, 2014/6/30, 2014.06.30, 2014年6月30日.
DATE = re.compile(r"(20\d\d|19\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})")
#: How many of a column's newest items are looked at for a visible date.
ITEMS_TRIED = 3


def visible_dates(html, today):
    """The dates printed in the visible text of `html`'s main region (not in attributes or
    scripts), up to `today`."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    # The page's own content: a footer's or a header's dates say nothing about updates.
    region = soup.find("main") or soup
    found = []
    for year, month, day in DATE.findall(region.get_text(" ")):
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if value <= today:
            found.append(value)
    return found


def _columns(ctx):
    return list(
        ColumnPage.objects.live().public().descendant_of(ctx.site.root_page).order_by("path").specific()
    )


def _newest_items(column, limit):
    """The column's newest live items: its listed articles (syndicated ones too), then other
    item types below it, newest first."""
    articles = list(column.articles()[:limit])
    others = [
        page.specific
        for page in Page.objects.live()
        .public()
        .descendant_of(column)
        .not_type(ColumnPage)
        .exclude(pk__in=[a.pk for a in articles])
        .order_by("-first_published_at")[: limit * 2]
    ]
    others = [page for page in others if is_item(page) and not hasattr(page, "articles")]
    items = articles + others
    items.sort(key=lambda page: _item_time(page), reverse=True)
    return items[:limit]


def _shown_date(item, html, today):
    """The date citizens see as the item's: its publish date if the page prints it,
    otherwise the newest date the page prints (a letter shows when it was received and
    answered); None when the page prints no date at all."""
    dates = visible_dates(html, today + timedelta(days=1))
    if not dates:
        return None
    moment = _item_time(item)
    own = timezone.localdate(moment) if moment else None
    return own if own in dates else max(dates)


def _item_time(page):
    return getattr(page, "display_time", None) or page.last_published_at or page.first_published_at


def _homepage(ctx, columns_latest):
    thresholds = settings.MONITOR_THRESHOLDS
    home_url = ctx.base_url + "/"
    served = ctx.fetch(home_url)
    if served.ok and served.is_html:
        dates = visible_dates(served.text, ctx.today)
        latest, source = (max(dates) if dates else None), "served"
    else:
        latest, source = (max(columns_latest) if columns_latest else None), "content"
    days = (ctx.today - latest).days if latest else None
    ctx.figures[CheckId.M03] = {
        "latest": latest.isoformat() if latest else None,
        "days": days,
        "source": source,
    }
    if days is None or days >= thresholds["homepage_warn_days"]:
        title = f"首页已 {days} 天未更新" if days is not None else "首页上没有可见的更新日期"
        ctx.report(
            CheckId.M03,
            "homepage",
            title,
            url=home_url,
            page=ctx.site.root_page,
            evidence={"latest": latest.isoformat() if latest else None, "days": days, "source": source},
        )
    ctx.done(CheckId.M03)


def check(ctx):
    columns = _columns(ctx)
    root_depth = ctx.site.root_page.depth
    listed = set(
        ColumnListing.objects.filter(column__in=columns).values_list("column_id", flat=True).distinct()
    )
    # The paths of pages with a live child: a column without one (and without syndicated
    # items) shows citizens an empty list.
    parents = {
        path[: -Page.steplen]
        for path in Page.objects.live()
        .filter(depth__gt=root_depth + 1, path__startswith=ctx.site.root_page.path)
        .values_list("path", flat=True)
    }
    plans = []  # (column, items) of columns with an update rule
    blank = []
    for column in columns:
        if column.alias_of_id:
            continue  # an alias shows its original's content, which is checked there
        # Only plain columns can be blank: a mailbox, a hub or a budget column shows its
        # own content without child items.
        if type(column) is ColumnPage and column.path not in parents and column.pk not in listed:
            blank.append(column)
            continue
        if column.update_days is not None:
            plans.append((column, _newest_items(column, ITEMS_TRIED)))

    urls = {page.pk: ctx.url_of(page) for _, items in plans for page in items}
    ctx.map(ctx.fetch, sorted(set(urls.values())))

    stale = undated = 0
    columns_latest = []
    for column, items in plans:
        latest_item = None
        for item in items:
            served = ctx.fetch(urls[item.pk])
            if not served.ok:
                continue  # unreachable pages are the link check's findings
            shown = _shown_date(item, served.text, ctx.today)
            if shown:
                latest_item = (item, shown)
                break
            undated += 1
            ctx.report(
                CheckId.M05,
                f"item:{item.pk}",
                f"信息页面未显示发布日期：{item.title}",
                url=urls[item.pk],
                page=item,
                evidence={"column": column.title},
            )
        if latest_item:
            columns_latest.append(latest_item[1])
        days = (ctx.today - latest_item[1]).days if latest_item else None
        if days is not None and days <= column.update_days:
            continue
        stale += 1
        key_column = column.update_frequency == UpdateFrequency.NEWS or (
            column.update_frequency == UpdateFrequency.NOTICE and column.depth == root_depth + 1
        )
        ctx.report(
            CheckId.M06,
            f"column:{column.pk}",
            f"栏目超过 {column.update_days} 天未更新：{column.title}",
            url=ctx.url_of(column),
            page=column,
            evidence={
                "column": column.title,
                "frequency": column.get_update_frequency_display(),
                "required_days": column.update_days,
                "latest": latest_item[1].isoformat() if latest_item else None,
                "latest_title": latest_item[0].title if latest_item else None,
                "days": days,
                "key_column": key_column,
            },
        )
    for column in blank:
        ctx.report(
            CheckId.M09,
            f"column:{column.pk}",
            f"空白栏目：{column.title}",
            url=ctx.url_of(column),
            page=column,
            evidence={"column": column.title},
        )
    ctx.figures[CheckId.M05] = {"undated": undated}
    ctx.figures[CheckId.M06] = {"columns": len(plans), "stale": stale}
    ctx.figures[CheckId.M09] = {"blank": len(blank)}
    for check_id in (CheckId.M05, CheckId.M06, CheckId.M09):
        ctx.done(check_id)
    _homepage(ctx, columns_latest)
