"""A07 in a real browser: every page type (home, column, article, topic, search, the
accessibility statement, the English portal, the WAP site) in every reading mode, opened
in headless Chromium with axe-core; any violation of serious or critical impact fails.
Then the keyboard: tabbing through the homepage reaches every interactive element in
document order, each with a visible focus indicator, and never gets stuck."""

import pytest

from accessibility import browser as a11y
from accessibility import modes

pytestmark = pytest.mark.django_db(transaction=True)

WAP_PAGES = ["home", "column", "article", "topic", "search"]


def _audit(context, base, paths):
    page = context.new_page()
    script = a11y.axe_script()
    failures, statuses = [], {}
    for path in paths:
        status, violations = a11y.audit_url(page, base + path, script)
        statuses[path] = status
        failures += [
            f"{path}: {v.impact} {v.rule} ({v.help}) at {v.targets[:3]}" for v in violations if v.blocking
        ]
    page.close()
    return statuses, failures


@pytest.mark.parametrize("mode", a11y.AUDIT_MODES)
def test_every_page_type_passes_axe_in_each_mode(site, browser_context, mode):
    a11y.set_mode(browser_context, site["www"], mode)
    a11y.set_mode(browser_context, site["en"], mode)
    paths = list(site["paths"].values())
    statuses, failures = _audit(browser_context, site["www"], paths)
    en_statuses, en_failures = _audit(browser_context, site["en"], list(site["en_paths"].values()))
    assert set(statuses.values()) | set(en_statuses.values()) == {200}, (statuses, en_statuses)
    assert failures + en_failures == []
    # The mode really was applied: the page says so on its root element.
    page = browser_context.new_page()
    page.goto(site["www"] + "/")
    html_class = page.evaluate("document.documentElement.className")
    page.close()
    assert html_class == ("" if mode == modes.STANDARD else f"mode-{mode}")


def test_wap_pages_pass_axe(site, browser_context):
    paths = ["/wap" + site["paths"][name] for name in WAP_PAGES]
    statuses, failures = _audit(browser_context, site["www"], paths)
    assert set(statuses.values()) == {200}, statuses
    assert failures == []


def test_text_only_mode_has_no_images_and_no_site_stylesheet(site, browser_context):
    a11y.set_mode(browser_context, site["www"], modes.TEXT)
    page = browser_context.new_page()
    page.goto(site["www"] + site["paths"]["article"])
    assert page.locator("img").count() == 0
    assert page.locator(".img-alt", has_text="电子政务中心机房").count() == 1
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || 'inline')")
    assert sheets == [site["www"] + "/static/css/a11y.css"]
    page.close()


def test_senior_mode_sizes(site, browser_context):
    """A03: body text at least 18 px, line height at least 1.3, targets at least 44 px."""
    a11y.set_mode(browser_context, site["www"], modes.SENIOR)
    page = browser_context.new_page()
    page.goto(site["www"] + site["paths"]["column"])
    font, line = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('main li a'));"
        " return [parseFloat(s.fontSize), parseFloat(s.lineHeight) / parseFloat(s.fontSize)]; })()"
    )
    assert font >= 18 and line >= 1.3
    small = page.evaluate(
        "[...document.querySelectorAll('main a, nav a, footer a, button')]"
        ".filter(e => e.offsetParent !== null)"
        ".map(e => e.getBoundingClientRect())"
        ".filter(r => r.height < 44 || r.width < 44).length"
    )
    assert small == 0
    page.close()


def test_mode_link_sets_cookie_and_returns(site, browser_context):
    page = browser_context.new_page()
    page.goto(site["www"] + site["paths"]["article"])
    page.get_by_role("navigation", name="无障碍浏览").get_by_role("link", name="关怀版").click()
    page.wait_for_load_state()
    assert page.url == site["www"] + site["paths"]["article"]
    assert page.evaluate("document.documentElement.className") == "mode-senior"
    page.goto(site["www"] + "/")  # remembered on the next page
    assert page.evaluate("document.documentElement.className") == "mode-senior"
    page.get_by_role("link", name="标准版").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.className") == ""
    page.close()


# Elements the keyboard must reach, in document order (what a Tab press can land on).
FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, "
    "[tabindex]:not([tabindex='-1'])"
)


def test_keyboard_reaches_every_control_in_order_with_visible_focus(site, browser_context):
    page = browser_context.new_page()
    page.goto(site["www"] + "/")
    expected = page.evaluate(
        "sel => [...document.querySelectorAll(sel)]"
        ".filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')"
        ".map(e => e.outerHTML.slice(0, 120))",
        FOCUSABLE,
    )
    reached = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement; if (!e || e === document.body) return null;"
            " const s = getComputedStyle(e);"
            " return {html: e.outerHTML.slice(0, 120), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,"
            " shadow: s.boxShadow !== 'none', visible: e.getClientRects().length > 0}; }"
        )
        if info is None or (reached and info["html"] == expected[0] and len(reached) >= len(expected)):
            break
        reached.append(info)
        if len(reached) == len(expected):
            break
    assert [r["html"] for r in reached] == expected
    invisible = [r["html"] for r in reached if not (r["visible"] and (r["outline"] or r["shadow"]))]
    assert invisible == []
    # The skip link comes first and moves focus into the main content.
    page.keyboard.press("Shift+Tab")  # back off the last element, then start over
    page.goto(site["www"] + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_the_audit_catches_what_it_must(chromium):
    """The tooling itself: axe from the installed package flags a missing alt text, an
    unnamed link and low contrast as serious or critical."""
    page = chromium.new_page()
    page.set_content(
        '<html lang="zh-Hans"><head><title>t</title></head><body><main><h1>标题</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/x"></a>'
        '<p style="color:#aaa;background:#fff">浅色文字</p></main></body></html>'
    )
    rules = {v.rule for v in a11y.run_axe(page) if v.blocking}
    page.close()
    assert {"image-alt", "link-name", "color-contrast"} <= rules
