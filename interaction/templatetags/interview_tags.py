"""Template helpers of the interview page."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from cms.templatetags.portal_tags import china_time

register = template.Library()


@register.filter
def time_element(value, fmt="%H:%M"):
    """A <time> element with the machine-readable moment and the Beijing time in `fmt`, to
    go into a translated sentence ({% blocktranslate with time=entry.posted_at|time_element %})."""
    return format_html(
        '<time datetime="{}">{}</time>', timezone.localtime(value).isoformat(), china_time(value, fmt)
    )
