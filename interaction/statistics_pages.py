"""How letter statistics are shown (I02, 留言办理情况): the figures as tables, the
accessible chart, the CSV and JSON downloads, and the mailbox's public statistics page
(MailboxPage's tongji/ routes). What is counted, and how, is interaction.letter_statistics;
the admin's 信件统计 (interaction.statistics_admin) shows the same through this module.
"""

import csv
import io
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext

from cms.csv_cells import csv_cell

from .letter_statistics import FIGURE_COLUMNS, compute, day_range, parse_period, spans

# --- presentation --------------------------------------------------------------------


def display(value):
    return "—" if value is None else value


def table_rows(statistics):
    """The figures as (label, value) rows: the main table of the page."""
    return [(label, display(getattr(statistics.total, name))) for name, label in FIGURE_COLUMNS]


def unit_rows(statistics):
    return [(name, [display(getattr(f, key)) for key, _ in FIGURE_COLUMNS]) for name, f in statistics.units]


def figures_context(statistics):
    """What letter_statistics_figures.html needs (the public page and the admin)."""
    return {
        "statistics": statistics,
        "rows": table_rows(statistics),
        "unit_rows": unit_rows(statistics),
        "columns": [label for _, label in FIGURE_COLUMNS],
        # From Python: a template's {% translate %} looks a "%" up as "%%".
        "reply_rate_label": dict(FIGURE_COLUMNS)["reply_rate"],
        "chart": chart(statistics),
    }


CHART_WIDTH, CHART_LABEL, CHART_BAR = 360, 64, 14


def chart(statistics):
    """Geometry of the bar chart (received and replied per month), drawn by the template
    as inline SVG: two bars per month, their values printed beside them."""
    peak = max([f.received for _, f in statistics.series] + [1])
    plot = CHART_WIDTH - CHART_LABEL - 44
    rows, y = [], 28
    for label, figures in statistics.series:
        bars = []
        for index, value in enumerate((figures.received, figures.replied)):
            width = round(plot * value / peak)
            bars.append(
                {"y": y + index * (CHART_BAR + 2), "width": max(width, 1), "value": value, "index": index}
            )
        rows.append({"label": label, "y": y + CHART_BAR + 2, "bars": bars})
        y += 2 * (CHART_BAR + 2) + 10
    return {
        "rows": rows,
        "height": y,
        "width": CHART_WIDTH,
        "label_x": CHART_LABEL - 6,
        "bar_x": CHART_LABEL,
        "bar_height": CHART_BAR,
        "text_dx": CHART_LABEL + 4,
    }


def _json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def as_json(mailbox, statistics):
    def figures(f):
        return {name: _json_value(getattr(f, name)) for name, _ in FIGURE_COLUMNS} | {
            "submitted": f.submitted
        }

    return {
        "mailbox": mailbox.title,
        "period": {
            "start": statistics.period.start.isoformat(),
            "end": statistics.period.end.isoformat(),
            "label": statistics.period.label,
        },
        "total": figures(statistics.total),
        "units": [{"unit": name} | figures(f) for name, f in statistics.units],
        "fields": {name: str(label) for name, label in FIGURE_COLUMNS},
    }


def as_csv(mailbox, statistics):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow(
        [gettext("Mailbox"), gettext("Period"), gettext("Handling unit")]
        + [str(label) for _, label in FIGURE_COLUMNS]
    )
    rows = [(gettext("Total"), statistics.total)] + list(statistics.units)
    for name, figures in rows:
        values = [getattr(figures, key) for key, _ in FIGURE_COLUMNS]
        writer.writerow([csv_cell(v) for v in (mailbox.title, statistics.period.label, name, *values)])
    return buffer.getvalue()


def download(mailbox, statistics, fmt, filename):
    if fmt == "json":
        response = JsonResponse(
            as_json(mailbox, statistics), json_dumps_params={"ensure_ascii": False, "indent": 1}
        )
    elif fmt == "csv":
        response = HttpResponse(as_csv(mailbox, statistics), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def filename_of(mailbox, period):
    return f"letter-statistics-{mailbox.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"


# --- the public page -----------------------------------------------------------------


def _for_request(request, mailbox):
    first, last = day_range([mailbox.pk])
    period, problem = parse_period(request.GET, last)
    statistics = compute([mailbox.pk], period)
    statistics.problem = problem
    years = list(range(last.year, first.year - 1, -1)) if first else [period.start.year]
    if period.year and period.year not in years:
        years = sorted({*years, period.year}, reverse=True)
    return statistics, years


def statistics_view(request, mailbox):
    statistics, years = _for_request(request, mailbox)
    base_url = mailbox.get_url(request)
    query = urlencode(statistics.period.query)
    return mailbox.render(
        request,
        template="interaction/letter_statistics.html",
        context_overrides={
            **figures_context(statistics),
            "years": years,
            "spans": spans(),
            "problem": statistics.problem,
            "base_url": base_url,
            "csv_url": f"{base_url}{mailbox.reverse_subpage('statistics_download', args=['csv'])}?{query}",
            "json_url": f"{base_url}{mailbox.reverse_subpage('statistics_download', args=['json'])}?{query}",
        },
    )


def statistics_download(request, mailbox, fmt):
    if fmt not in ("csv", "json"):
        raise Http404
    statistics, _ = _for_request(request, mailbox)
    return download(mailbox, statistics, fmt, filename_of(mailbox, statistics.period))
