"""Template tags of the cluster: the request's site (`portal`) and filing-number helpers."""

import re

from django import template

from sites.portal import get_portal

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_site(context):
    return get_portal(context.get("request"))


@register.filter
def police_record_code(number):
    """The digits of a 公安机关备案号, which the national filing site's link is keyed by."""
    digits = re.sub(r"\D", "", number or "")
    return digits
