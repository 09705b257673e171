"""What a citizen meets first, walked in Debian's chromium on the demo cluster: homepage
blocks that are never blank, a search from the header box of every site, the budget
disclosures reached from the homepage by following links, and a disclosure page that fits
a 390 px phone. Screenshots of these pages go to docs/screenshots/."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# A term each site's own content holds, typed into its header box.
SEARCHES = {"www": "电子政务", "en": "Chenzhou", "bhq": "北湖区", "zxs": "资兴", "dzzw": "电子政务"}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_access")]


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_horizontal_overflow(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_every_homepage_block_lists_items(demo, browser_page):
    for key in ("www", "bhq", "zxs", "dzzw", "en"):
        browser_page.goto(demo[key] + "/")
        blocks = browser_page.locator("main section")
        assert blocks.count() >= 3, key
        for n in range(blocks.count()):
            block = blocks.nth(n)
            heading = block.locator("h2").first.inner_text()
            # A block lists items or entrance links; a blank block is a veto item.
            assert block.locator("a:not(h2 a)").count() >= 1, f"{key}: block {heading} is blank"
            assert "暂无信息" not in block.inner_text(), f"{key}: block {heading} says 暂无信息"
        if key == "www":
            shoot(browser_page, "home-www")


def test_search_from_the_header_box_of_every_site(demo, browser_page):
    for key, term in SEARCHES.items():
        browser_page.goto(demo[key] + "/")
        browser_page.fill("#site-search-q", term)
        browser_page.locator(".site-search button[type=submit]").click()
        browser_page.wait_for_load_state()
        url = urlsplit(browser_page.url)
        assert url.path == "/search/" and parse_qs(url.query)["q"] == [term], browser_page.url
        results = browser_page.locator(".search-results li, .search-result")
        assert results.count() > 0, f"{key}: no results for {term}"
        if key == "www":
            shoot(browser_page, "search-www")


def test_budget_disclosures_within_three_clicks_of_the_homepage(demo, browser_page):
    browser_page.goto(demo["www"] + "/")
    clicks = 0
    for names in (("政府信息公开", "财政预决算"), ("部门预决算公开",)):
        link = None
        for name in names:
            candidates = browser_page.get_by_role("link", name=name, exact=True)
            if candidates.count():
                link = candidates.first
                break
        assert link is not None, f"no link named {names} on {browser_page.url}"
        link.click()
        browser_page.wait_for_load_state()
        clicks += 1
    # The budget column lists the departments' disclosures: the third click opens one.
    disclosure = browser_page.locator("main li:has(time) > a").first
    disclosure.click()
    browser_page.wait_for_load_state()
    clicks += 1
    assert clicks <= 3
    text = browser_page.locator("main").inner_text()
    assert "索引号" in text and "发布机构" in text and "成文日期" in text
    shoot(browser_page, "budget-disclosure")


def test_disclosure_page_fits_a_phone(demo, chromium, db_access):
    from budgets.pages import DisclosurePage

    disclosure = DisclosurePage.objects.live().order_by("pk").first()
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(demo["www"] + disclosure.get_url_parts()[2])
        assert no_horizontal_overflow(page)
        shoot(page, "budget-disclosure-390")
        page.goto(demo["www"] + "/")
        assert no_horizontal_overflow(page)
        shoot(page, "home-www-390")
    finally:
        context.close()
