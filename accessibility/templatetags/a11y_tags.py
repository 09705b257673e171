"""Template tags of the accessibility chrome: the toolbar's labels and script config."""

import functools
import json

from django import template
from django.utils import translation

from accessibility.toolbar import labels, toolbar_config

register = template.Library()


@register.simple_tag
def a11y_toolbar():
    return _toolbar(translation.get_language() or "zh-hans")


# The labels and the script's config depend on the language alone (the catalogues are
# loaded once per process), and every public page shows them: worked out once per language.
@functools.cache
def _toolbar(language):
    with translation.override(language):
        return {
            "labels": labels(),
            "config": json.dumps(toolbar_config(language), ensure_ascii=False),
        }
