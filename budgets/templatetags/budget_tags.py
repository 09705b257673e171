"""Number formats of the budget disclosure pages: amounts in 万元, signed changes."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext

from ..tables import is_total_row

register = template.Library()


@register.filter
def amount(value):
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def signed_amount(value):
    if value is None:
        return "—"
    return f"{Decimal(value):+,.2f}"


@register.filter
def signed_percent(value):
    """A change in % with its direction in words as well as its sign, in the site's
    language (增长 12.5% on the Chinese portals, up 12.5% on the English one)."""
    if value is None:
        return "—"
    value = Decimal(value)
    percent = f"{abs(value):.1f}"
    if value > 0:
        return gettext("up %(percent)s%%") % {"percent": percent}
    if value < 0:
        return gettext("down %(percent)s%%") % {"percent": percent}
    return gettext("unchanged %(percent)s%%") % {"percent": percent}


@register.filter
def is_total(item):
    """Whether a table row is a 合计/总计 row (set in bold, ruled above)."""
    return is_total_row(item or "")
