"""The home page and the menu on a 390 px phone, in headless Chromium (Debian's): every
block is filled and the blocks stack in one column; neither the page body nor the menu
scrolls sideways and every menu entry is shown whole ("政策解读", not "政策解"); the print
button of an article is shown by its script. Screenshots go to docs/screenshots/.

The live server needs committed data: the site is built on the transactional database and
the database as it was is loaded back afterwards (as tests/cms/test_budgets_phone.py does)."""

import os
import pathlib

import pytest
from django.core.cache import cache
from django.db import connection
from wagtail.models import Page

from accessibility import browser as a11y
from tests.accessibility.conftest import _restore
from tests.sites.test_homepage_blocks import build_portal

pytestmark = pytest.mark.django_db(transaction=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HOST = "www.phone-home.localhost"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "screenshots"

MEASURE = """() => {
  const root = document.documentElement, body = document.body;
  const box = el => el.getBoundingClientRect();
  const blocks = [...document.querySelectorAll('main section.panel')].map(s => ({
    heading: s.querySelector('h2').textContent.trim(),
    left: Math.round(box(s).left), width: Math.round(box(s).width),
    links: [...s.querySelectorAll('a')].filter(a => !a.closest('h2') && !a.closest('.more')).length,
    empty: !!s.querySelector('.empty'),
  }));
  const menu = document.querySelector('.site-nav ul');
  const entries = [...menu.querySelectorAll('a')].map(a => ({
    text: a.textContent.trim(), left: box(a).left, right: box(a).right,
    clipped: a.scrollWidth > a.clientWidth,
  }));
  return {
    rootScroll: root.scrollWidth, rootClient: root.clientWidth,
    bodyScroll: body.scrollWidth, bodyClient: body.clientWidth,
    menuScrolls: menu.scrollWidth > menu.clientWidth, entries, blocks,
    lead: box(document.querySelector('.lead-story__image')).width,
  };
}"""


@pytest.fixture(scope="module")
def built(django_db_blocker):
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        article = build_portal(HOST)["lead"].url
        snapshot = connection.creation.serialize_db_to_string()
    yield article, snapshot
    with django_db_blocker.unblock():
        _restore(before)


@pytest.fixture
def phone(built, live_server):
    article, snapshot = built
    if not Page.objects.filter(depth=2).exists():  # emptied after the previous test
        _restore(snapshot)
    cache.clear()
    base = f"http://{HOST}:{live_server.url.rsplit(':', 1)[1]}"
    with a11y.chromium(host_rules=[HOST]) as chromium:
        context = chromium.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1)
        yield base, article, context.new_page()
        context.close()


def test_home_blocks_stack_and_the_menu_wraps_on_a_phone(phone):
    base, article, page = phone
    page.goto(base + "/")
    m = page.evaluate(MEASURE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-390.png"), full_page=True)
    assert m["rootScroll"] <= m["rootClient"] and m["bodyScroll"] <= m["bodyClient"], m
    headings = [b["heading"] for b in m["blocks"]]
    for heading in [
        "要闻",
        "图片新闻",
        "新闻中心",
        "通知公告",
        "政府信息公开",
        "办事服务",
        "互动交流",
        "专题专栏",
    ]:
        assert heading in headings, headings
    for block in m["blocks"]:
        assert block["links"] and not block["empty"], block
        # One column: every block starts at the same left edge and fills the width.
        assert block["left"] == m["blocks"][0]["left"] and block["width"] >= 340, block
    assert 300 <= m["lead"] <= 390
    entries = {e["text"]: e for e in m["entries"]}
    assert "政策解读" in entries and len(entries) == 11  # 首页 and ten menu columns
    assert not m["menuScrolls"]
    for entry in m["entries"]:
        assert entry["left"] >= 0 and entry["right"] <= PHONE["width"] and not entry["clipped"], entry

    page.goto(base + article)
    button = page.locator("button[data-print]")
    assert button.is_visible() and button.inner_text() == "打印本页"
    page.screenshot(path=str(SCREENSHOTS / "article-390.png"), full_page=False)
    page.emulate_media(media="print")
    assert not button.is_visible() and not page.locator(".site-nav").is_visible()
