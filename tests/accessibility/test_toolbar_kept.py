"""The toolbar's HTML is rendered once per language (accessibility/templatetags/a11y_tags.py)
and the page's own address put into its text-only link: the answer is what the template
renders for that request, for any address."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils import translation

from accessibility.templatetags.a11y_tags import TOOLBAR_TEMPLATE

ADDRESSES = [
    "/",
    "/xwzx/gzdt/item/",
    "/search/?q=防汛 抗旱&scope=cluster&page=2",
    '/a"b/<script>?x=1&y=%2F',
]


def tag_for(request):
    return Template("{% load a11y_tags %}{% a11y_toolbar_html %}").render(Context({"request": request}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("debug", [False, True])
def test_the_kept_toolbar_is_what_the_template_renders(language, debug):
    with translation.override(language), override_settings(DEBUG=debug):
        for address in ADDRESSES:
            request = RequestFactory().get(address)
            assert tag_for(request) == render_to_string(TOOLBAR_TEMPLATE, {"request": request})


def test_the_text_only_link_returns_to_the_page():
    with translation.override("zh-hans"):
        one = tag_for(RequestFactory().get("/xwzx/?page=3"))
        other = tag_for(RequestFactory().get("/zwgk/"))
    assert 'href="/accessibility/mode/text/?next=/xwzx/%3Fpage%3D3"' in one
    assert 'href="/accessibility/mode/text/?next=/zwgk/"' in other
    assert "a11y-here" not in one + other
