"""Number formats of the budget disclosure pages: amounts in 万元, signed changes."""

from decimal import Decimal

from django import template

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
    """A change in % with its direction in words as well as its sign."""
    if value is None:
        return "—"
    value = Decimal(value)
    word = "增长" if value > 0 else "下降" if value < 0 else "持平"
    return f"{word} {abs(value):.1f}%"
