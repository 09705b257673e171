"""Template tags of the accessibility chrome: the toolbar's labels and script config."""

import json

from django import template
from django.utils import translation

from accessibility.toolbar import labels, toolbar_config

register = template.Library()


@register.simple_tag
def a11y_toolbar():
    language = translation.get_language() or "zh-hans"
    return {
        "labels": labels(),
        "config": json.dumps(toolbar_config(language), ensure_ascii=False),
    }
