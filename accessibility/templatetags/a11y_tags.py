"""Template tags of the accessibility chrome: the toolbar's labels and script config, and
the toolbar itself, rendered once per language."""

import functools
import json

from django import template
from django.conf import settings
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accessibility.toolbar import labels, toolbar_config

register = template.Library()

TOOLBAR_TEMPLATE = "accessibility/_toolbar.html"
# Where the page's own address goes in the toolbar's text-only link (letters, digits and
# hyphens: the template's urlencode and escaping leave it as it is).
_HERE = "a11y-here-5f0c9e"


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


@register.simple_tag(takes_context=True)
def a11y_toolbar_html(context):
    """The toolbar (TOOLBAR_TEMPLATE) for this request. Only its text-only link's return
    address is the page's own; the rest depends on the language and the script prefix, so
    it is rendered once per both (every request with DEBUG on, where templates are edited)
    and the address put in its place: the same HTML, without a template's work per page."""
    request = context.get("request")
    language = translation.get_language() or "zh-hans"
    if settings.DEBUG:
        html = _render_toolbar(language)
    else:
        html = _kept_toolbar(language, get_script_prefix())
    here = request.get_full_path() if request is not None else "/"
    # As the template's {{ request.get_full_path|urlencode }} writes it (the filter, escaped).
    return mark_safe(html.replace(_HERE, escape(urlencode(here))))  # noqa: S308 - escaped above


class _Here:
    @staticmethod
    def get_full_path():
        return _HERE


def _render_toolbar(language):
    with translation.override(language):
        return render_to_string(TOOLBAR_TEMPLATE, {"request": _Here()})


@functools.cache
def _kept_toolbar(language, script_prefix):
    # reverse() in the template reads the script prefix: part of the key.
    return _render_toolbar(language)
