"""WAP renderings (手机版) of the budget column and its disclosures (预决算公开).

The WAP site reaches these views through the page types' `wap_view` (cms.items) and lends
them its helpers (channels.wap.views.Wap, paginate, parts, page_status); the figures come
from the pages' own methods, as on the full version."""

from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext

from channels.wap import body
from channels.wap.views import PAGE_SIZE, body_date, page_status, paginate, parts

from .templatetags.budget_tags import amount


def budget_column_view(request, wap, page):
    """The 预决算公开 column: its live disclosures (BudgetColumnPage.disclosures(), newest
    year first), `?year=` as on the full version, WAP-sized pages."""
    years = page.years()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else None
    items = page.disclosures().defer("tables")
    if year is not None:
        items = items.filter(year=year)
    page_obj = paginate(items, request, PAGE_SIZE)
    return render(
        request,
        "wap/budget_column.html",
        wap.context(
            page,
            rows=[(item.title, wap.url(item), body_date(item.first_published_at)) for item in page_obj],
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            years=years,
            year=year,
        ),
    )


def disclosure_view(request, wap, page):
    """A disclosure over server-side pages: the facts and the 三公 comparison open page 1,
    the nine tables follow (each cut between rows with its header repeated when long), the
    downloads close the last page. Figures come from the page's own methods, as on the
    full version."""
    page_obj, part = parts(request, disclosure_chunks(page))
    context = {"page_obj": page_obj, "part": part, "page_status": page_status(wap, page_obj)}
    if page_obj.number == 1:
        previous = page.previous()
        context["previous"] = previous
        context["changes"] = page.sangong_changes(previous)
    context["downloads"] = not page_obj.has_next()
    return render(request, "wap/disclosure.html", wap.context(page, **context))


def disclosure_chunks(page):
    """A disclosure's tables (DisclosurePage.table_views(), as on the full version) as
    captioned tables of at most a chunk each, the header row repeating. Code and item share
    the row header cell, which leaves a small screen room for the amounts; each table sits
    in a scrollable region a keyboard can reach, for the wide ones."""
    chunks = []
    for view in page.table_views():
        caption = gettext("Table %(number)s: %(title)s (10,000 yuan)") % {
            "number": view["number"],
            "title": view["title"],
        }
        data = [[gettext("Budget item"), *view["columns"]]]
        data += [
            [f"{row['code'] or ''} {row['item']}".strip(), *(amount(v) for v in row["amounts"])]
            for row in view["rows"]
        ]
        value = {"data": data, "first_row_is_table_header": True, "first_col_is_header": True}
        for i, table in enumerate(body.table_chunks({**value, "table_caption": caption})):
            label = caption if i == 0 else gettext("%(caption)s (continued)") % {"caption": caption}
            chunks.append(
                format_html(
                    '<div class="scroll" role="region" tabindex="0" aria-label="{}">{}</div>', label, table
                )
            )
    return chunks
