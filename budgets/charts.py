"""Server-rendered SVG bar charts of a disclosure's figures.

A chart is an image whose text alternative is the data table next to it: the SVG is
role="img" with a short title, and aria-describedby points at the table, which a screen
reader (or a reader in text-only mode) reads instead. Values are printed beside the bars
and series are told apart by their legend text and a hatch, so colour is never the only cue.

Text is drawn in `currentColor` and bars carry classes (chart__bar--0, --1, chart__hatch),
so static/css/budgets.css can recolour them for the reading modes: white labels on black in
高对比度, the toolbar's schemes likewise. The fill attributes stay as the colours where no
stylesheet applies. budgets.css keeps the chart from shrinking below its natural width
(WIDTH): on a phone it scrolls sideways in its region instead of shrinking its 13 px
labels to 7 px.
"""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDTH = 640
LABEL_WIDTH = 190
BAR_HEIGHT = 18
GAP = 10
# Dark enough against white for the 3:1 of graphics (WCAG 1.4.11).
FILLS = ("#1f5f99", "#b4451f", "#2f6b2f")


def bar_chart(chart_id, title, categories, series, table_id):
    """Horizontal bars: one group per category, one bar per (name, values) series."""
    values = [Decimal(v) for _, vs in series for v in vs]
    peak = max(values + [Decimal(0)]) or Decimal(1)
    plot = WIDTH - LABEL_WIDTH - 110
    group = len(series) * BAR_HEIGHT + GAP
    legend_height = 24
    height = legend_height + len(categories) * group + GAP
    parts = [
        format_html(
            '<svg id="{}" class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
            'aria-labelledby="{}-title" aria-describedby="{}" xmlns="http://www.w3.org/2000/svg">',
            chart_id,
            WIDTH,
            height,
            WIDTH,
            height,
            chart_id,
            table_id,
        ),  # fmt: skip
        format_html('<title id="{}-title">{}（数据见下表）</title>', chart_id, title),
        format_html(
            '<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse">'
            '<path class="chart__hatch" d="M0,6 l6,-6" stroke="#fff" stroke-width="1.5"/></pattern></defs>',
            chart_id,
        ),
    ]
    x = LABEL_WIDTH
    for index, (name, _) in enumerate(series):
        parts.append(_bar(chart_id, index, x, 4, 14, 14))
        parts.append(
            format_html('<text x="{}" y="16" font-size="13" fill="currentColor">{}</text>', x + 20, name)
        )
        x += 20 + 14 * (len(name) + 2)
    for row, category in enumerate(categories):
        top = legend_height + row * group
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="currentColor">{}</text>',
                LABEL_WIDTH - 8,
                top + group / 2,
                category,
            )  # fmt: skip
        )
        for index, (_, series_values) in enumerate(series):
            value = Decimal(series_values[row])
            width = int(plot * value / peak) if value > 0 else 0
            y = top + index * BAR_HEIGHT
            parts.append(_bar(chart_id, index, LABEL_WIDTH, y, max(width, 1), BAR_HEIGHT - 3))
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="currentColor">{}</text>',
                    LABEL_WIDTH + width + 4,
                    y + BAR_HEIGHT - 6,
                    f"{value:,.2f}",
                )  # fmt: skip
            )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above


def _bar(chart_id, index, x, y, width, height):
    fill = FILLS[index % len(FILLS)]
    rect = format_html(
        '<rect class="chart__bar chart__bar--{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        index % len(FILLS),
        x,
        y,
        width,
        height,
        fill,
    )  # fmt: skip
    if index % 2:  # the second series is hatched as well as coloured
        rect += format_html(
            '<rect class="chart__hatched" x="{}" y="{}" width="{}" height="{}" fill="url(#{}-hatch)"/>',
            x,
            y,
            width,
            height,
            chart_id,
        )
    return rect
