"""Budgets on a 390 px phone, in headless Chromium (Debian's), on the demo's layout
(tests/cms/budget_fixtures.make_demo_budget_site): a disclosure is reached from the home page
in three clicks; in every reading mode the page body never scrolls sideways, no amount
breaks over two lines, wide tables scroll in their region with the first column held, the
charts keep their natural size; in 高对比度 the chart labels are light on black (≥ 4.5:1).
Screenshots go to docs/screenshots/.

Like tests/cms/test_budgets_a11y.py, the live server needs committed data: the site is
built on the transactional database and the database as it was is loaded back afterwards."""

import os
import pathlib

import pytest
from django.core.cache import cache
from django.db import connection
from wagtail.models import Page

from accessibility import browser as a11y
from accessibility import modes
from tests.accessibility.conftest import _restore
from tests.cms.budget_fixtures import make_demo_budget_site

pytestmark = pytest.mark.django_db(transaction=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HOST = "yjs.phone.localhost"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TITLE = "郴州市财政局2014年部门决算和“三公”经费决算公开"

# What the page measures of itself at the phone's width.
MEASURE = """() => {
  const body = document.body, root = document.documentElement;
  const lines = el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    return new Set(rects.map(r => Math.round(r.top))).size;
  };
  const cells = [...document.querySelectorAll('table.data-table td.num')];
  const wrapped = cells.filter(td => td.textContent.trim() && lines(td) > 1).map(td => td.textContent.trim());
  const region = document.querySelector('#table-expenditure').closest('[role=region]');
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => svg.getBoundingClientRect().width);
  return {
    bodyScroll: body.scrollWidth, bodyClient: body.clientWidth,
    rootScroll: root.scrollWidth, rootClient: root.clientWidth,
    cells: cells.length, wrapped,
    regionScrolls: region.scrollWidth > region.clientWidth,
    charts,
  };
}"""

# Scroll the 支出表's region to its end: the row header must stay at its left edge.
STICKY = """() => {
  const table = document.querySelector('#table-expenditure');
  const region = table.closest('[role=region]');
  region.scrollLeft = region.scrollWidth;
  const header = table.querySelector('tbody tr:last-child th[scope=row]');
  const code = table.querySelector('tbody tr:last-child td');
  return {
    region: region.getBoundingClientRect().left,
    header: header.getBoundingClientRect().left,
    columnHeader: table.querySelector('thead .data-table__item').getBoundingClientRect().left,
    codeSticky: getComputedStyle(code).position,
    scrolled: region.scrollLeft,
  };
}"""

# The chart labels' colour and the colour they stand on (the nearest painted background).
CHART_COLOURS = """() => {
  const text = document.querySelector('svg.chart text');
  let el = text, background = 'rgba(0, 0, 0, 0)';
  while (el && /rgba\\(0, 0, 0, 0\\)|transparent/.test(background)) {
    background = getComputedStyle(el).backgroundColor;
    el = el.parentElement;
  }
  return {fill: getComputedStyle(text).fill, background};
}"""


def build():
    _, columns = make_demo_budget_site(HOST)
    disclosure = columns["bmyjsgk"].disclosures().get(title=TITLE)
    column = columns["bmyjsgk"]
    return {
        "disclosure": disclosure.url_path,
        "column": column.url_path,
        "coverage": column.url_path + "coverage/2014/",
        "root": column.get_site().root_page.url_path,
    }


@pytest.fixture(scope="module")
def built(django_db_blocker):
    """The site's paths and its snapshot: the transactional database is emptied after each
    test, and the next one loads the site back (as tests/accessibility/conftest.py does)."""
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        made = build()
        snapshot = connection.creation.serialize_db_to_string()
    cut = len(made.pop("root")) - 1
    yield {name: path[cut:] for name, path in made.items()}, snapshot
    with django_db_blocker.unblock():
        _restore(before)


@pytest.fixture
def paths(built):
    found, snapshot = built
    if not Page.objects.filter(depth=2).exists():  # emptied after the previous test
        _restore(snapshot)
    return found


@pytest.fixture
def phone(paths, live_server):
    cache.clear()
    base = f"http://{HOST}:{live_server.url.rsplit(':', 1)[1]}"
    with a11y.chromium(host_rules=[HOST]) as chromium:
        context = chromium.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1)
        yield base, context, context.new_page()
        context.close()


def _rgb(css):
    parts = css[css.index("(") + 1 : css.index(")")].split(",")
    return tuple(int(float(p)) for p in parts[:3])


def contrast(a, b):
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(_rgb(a)), luminance(_rgb(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_disclosure_is_three_clicks_from_the_home_page(paths, phone):
    base, _, page = phone
    page.goto(base + "/")
    page.locator(".site-nav").get_by_role("link", name="政府信息公开", exact=True).click()  # 1
    page.wait_for_load_state()
    page.locator("nav.subcolumns").get_by_role("link", name="部门预决算公开", exact=True).click()  # 2
    page.wait_for_load_state()
    page.locator(".article-list").get_by_role("link", name=TITLE, exact=True).click()  # 3
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == TITLE
    assert page.url.endswith(paths["disclosure"])


def test_a_disclosure_fits_a_390px_phone_in_every_reading_mode(paths, phone):
    base, context, page = phone
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for mode in a11y.AUDIT_MODES:
        a11y.set_mode(context, base, mode)
        response = page.goto(base + paths["disclosure"])
        assert response.status == 200
        found = page.evaluate(MEASURE)
        sticky = page.evaluate(STICKY)
        checks = {
            "body overflows": found["bodyScroll"] > found["bodyClient"],
            "page overflows": found["rootScroll"] > found["rootClient"],
            "numbers wrapped": found["wrapped"],
            "too few numbers": found["cells"] < 50,
            "tables do not scroll in their region": not found["regionScrolls"],
            "row header not held": not (
                sticky["scrolled"] > 0
                and abs(sticky["header"] - sticky["region"]) <= 1
                and abs(sticky["columnHeader"] - sticky["region"]) <= 1
            ),
            "first column not sticky": sticky["codeSticky"] != "sticky",
            # 640 user units at 13 px labels: never shrunk (大字版 and 关怀版 grow them).
            "charts shrunk": len(found["charts"]) != 2 or min(found["charts"]) < 639,
        }
        failed = {name: found for name, found in checks.items() if found}
        if failed:
            problems[mode] = failed
        if mode in (modes.STANDARD, modes.CONTRAST):
            # The 三公 table and chart, and the 支出表 scrolled to its end (the row header held).
            page.locator("section[aria-labelledby=sangong-heading]").screenshot(
                path=str(SCREENSHOTS / f"budget-disclosure-390-{mode}-sangong.png")
            )
            page.locator("#table-expenditure").evaluate("t => t.closest('[role=region]').scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / f"budget-disclosure-390-{mode}-table.png"))
    assert problems == {}


def test_chart_labels_contrast_with_their_background_in_every_colour_mode(paths, phone):
    base, context, page = phone
    ratios = {}
    for mode in (modes.STANDARD, modes.CONTRAST):
        a11y.set_mode(context, base, mode)
        page.goto(base + paths["disclosure"])
        colours = page.evaluate(CHART_COLOURS)
        ratios[mode] = (colours, contrast(colours["fill"], colours["background"]))
    assert ratios[modes.CONTRAST][0]["background"] == "rgb(0, 0, 0)"
    assert all(ratio >= 4.5 for _, ratio in ratios.values()), ratios
    # The toolbar's schemes (data-a11y-scheme, set by its script) recolour the labels too.
    a11y.set_mode(context, base, modes.STANDARD)
    page.goto(base + paths["disclosure"])
    for scheme in ("dark", "yellow", "blue"):
        page.evaluate("scheme => document.documentElement.setAttribute('data-a11y-scheme', scheme)", scheme)
        colours = page.evaluate(CHART_COLOURS)
        assert contrast(colours["fill"], colours["background"]) >= 4.5, (scheme, colours)


def test_the_column_and_coverage_pages_fit_a_390px_phone(paths, phone):
    base, context, page = phone
    overflowing = {}
    for mode in (modes.STANDARD, modes.LARGE):
        a11y.set_mode(context, base, mode)
        for name in ("column", "coverage"):
            assert page.goto(base + paths[name]).status == 200
            widths = page.evaluate("() => [document.body.scrollWidth, document.body.clientWidth]")
            if widths[0] > widths[1]:
                overflowing[(mode, name)] = widths
    assert overflowing == {}
    region = page.locator(".table-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
