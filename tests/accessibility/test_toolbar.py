"""The toolbar (A01, A02) in headless Chromium: each control pressed, its effect checked on
the page, its state carried to the next page; the Alt+Shift shortcuts; and the page with
JavaScript off (no toolbar, the server-side mode links still work).

Headless Chromium has no speech engine, so an init script stands in for
speechSynthesis.speak: it records each utterance (text, language, rate) and ends it at once,
the way the browser's engine would call back."""

import pytest

from accessibility import browser as a11y
from tests.accessibility.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SPEECH_STAND_IN = """
window.__spoken = [];
Object.defineProperty(window, 'speechSynthesis', {value: {
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate});
             // Past __endLimit utterances the engine stays "speaking", so a test can stop it.
             if (window.__spoken.length < (window.__endLimit || Infinity))
               setTimeout(() => u.onend && u.onend(), 0); },
  cancel() { window.__cancelled = (window.__cancelled || 0) + 1; },
  getVoices() { return []; },
}});
"""


@pytest.fixture
def page(browser_context):
    browser_context.add_init_script(SPEECH_STAND_IN)
    page = browser_context.new_page()
    yield page
    page.close()


def control(page, name):
    return page.locator(f'#a11y-toolbar [data-a11y="{name}"]')


def pressed(page, name):
    return control(page, name).get_attribute("aria-pressed") == "true"


def js(page, expression):
    return page.evaluate(expression)


def open_toolbar(page, url):
    page.goto(url)
    page.locator("[data-a11y-open]").click()
    assert page.locator("#a11y-toolbar").is_visible()


def test_each_control_works_and_persists(site, page):
    www = site["www"]
    open_toolbar(page, www + "/")
    assert js(page, "document.activeElement.dataset.a11y") == "speech"  # focus moves into it

    control(page, "speech").click()
    assert pressed(page, "speech")
    page.locator("main h2").first.hover()
    wait_until(page, "() => window.__spoken.some(u => u.text === '要闻')")
    assert {u["lang"] for u in js(page, "window.__spoken")} == {"zh-CN"}
    page.locator("main a").first.focus()  # focused elements are read too
    first_title = page.locator("main a").first.inner_text()
    wait_until(page, "t => window.__spoken.some(u => u.text === t)", first_title)

    control(page, "rate").click()
    assert control(page, "rate").text_content() == "语速：快"
    js(page, "window.__spoken = []; window.__endLimit = 8")
    control(page, "continuous").click()
    wait_until(page, "() => window.__spoken.length >= 8")
    assert pressed(page, "continuous")  # still reading the eighth block
    spoken = js(page, "window.__spoken")
    texts = [u["text"] for u in spoken]
    assert texts.index("郴州市人民政府") < texts.index("要闻")  # from the page's h1 on, in order
    assert {round(u["rate"], 2) for u in spoken} == {1.4}
    control(page, "continuous").click()  # stop
    assert not pressed(page, "continuous")
    assert js(page, "window.__cancelled") >= 1
    js(page, "window.__endLimit = 0")

    for _ in range(3):
        control(page, "zoomIn").click()
    assert js(page, "document.body.style.zoom") == "1.3"
    for _ in range(10):
        control(page, "zoomIn").click()
    assert js(page, "document.body.style.zoom") == "2"  # capped at 2.0×
    assert page.locator('[data-a11y-value="zoom"]').text_content() == "200%"
    for _ in range(9):
        control(page, "zoomOut").click()
    assert js(page, "document.body.style.zoom") == "1.1"

    control(page, "text").click()
    assert js(page, "document.documentElement.style.fontSize") == "125%"
    assert js(page, "parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize)") >= 20

    schemes = []
    for _ in range(4):
        control(page, "scheme").click()
        schemes.append(js(page, "document.documentElement.dataset.a11yScheme"))
    assert schemes == ["contrast", "dark", "yellow", "blue"]
    control(page, "scheme").click()
    control(page, "scheme").click()  # back to high contrast
    assert js(page, "getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"

    control(page, "cursor").click()
    assert "a11y-cursor" in js(page, "document.documentElement.className")
    assert "url(" in js(page, "getComputedStyle(document.querySelector('main')).cursor")

    control(page, "guide").click()
    page.mouse.move(300, 400)
    assert page.locator(".a11y-guide--x").is_visible()
    assert js(page, "document.querySelector('.a11y-guide--x').style.top") == "400px"

    control(page, "caption").click()
    page.locator("main h2").first.hover()
    assert page.locator(".a11y-caption").inner_text() == "要闻"
    assert js(page, "parseFloat(getComputedStyle(document.querySelector('.a11y-caption')).fontSize)") >= 28

    # A02: everything carries over to the next page.
    page.goto(www + site["paths"]["column"])
    assert page.locator("#a11y-toolbar").is_visible()
    assert js(page, "document.body.style.zoom") == "1.1"
    assert js(page, "document.documentElement.style.fontSize") == "125%"
    assert js(page, "document.documentElement.dataset.a11yScheme") == "contrast"
    assert all(pressed(page, name) for name in ["speech", "cursor", "guide", "caption"])
    assert control(page, "rate").text_content() == "语速：快"

    control(page, "reset").click()
    assert js(page, "document.body.style.zoom") == ""
    assert js(page, "document.documentElement.style.fontSize") == ""
    assert js(page, "document.documentElement.dataset.a11yScheme") is None
    assert not any(pressed(page, name) for name in ["speech", "cursor", "guide", "caption"])
    page.goto(www + "/")
    assert js(page, "document.documentElement.dataset.a11yScheme") is None

    control(page, "textOnly").click()
    page.wait_for_load_state()
    assert js(page, "document.documentElement.className") == "mode-text"
    assert page.url == www + "/"


def test_keyboard_shortcuts(site, page):
    page.goto(site["www"] + "/")
    page.keyboard.press("Alt+Shift+KeyA")
    assert page.locator("#a11y-toolbar").is_visible()
    assert js(page, "document.activeElement.closest('#a11y-toolbar') !== null")
    page.keyboard.press("Alt+Shift+KeyC")
    assert js(page, "document.documentElement.dataset.a11yScheme") == "contrast"
    page.keyboard.press("Alt+Shift+Equal")
    assert js(page, "document.body.style.zoom") == "1.1"
    page.keyboard.press("Alt+Shift+KeyM")
    assert pressed(page, "cursor")
    page.keyboard.press("Alt+Shift+KeyS")
    assert pressed(page, "speech")
    page.keyboard.press("Alt+Shift+Digit0")
    assert js(page, "document.documentElement.dataset.a11yScheme") is None
    assert not pressed(page, "cursor")
    # Buttons work with the keyboard alone: focus one and press Enter / Space.
    control(page, "guide").focus()
    page.keyboard.press("Enter")
    assert pressed(page, "guide")
    page.keyboard.press("Space")
    assert not pressed(page, "guide")
    page.keyboard.press("Alt+Shift+KeyA")
    assert not page.locator("#a11y-toolbar").is_visible()
    assert js(page, "document.activeElement.hasAttribute('data-a11y-open')")  # focus not lost


def test_statement_page_documents_every_shortcut(site, page):
    from accessibility.shortcuts import SCRIPT_KEYS, SHORTCUTS

    page.goto(site["www"] + "/accessibility/")
    rows = page.locator("table.a11y-shortcuts tbody tr").all_inner_texts()
    assert len(rows) == len(SHORTCUTS) == len(SCRIPT_KEYS)
    assert [r.split("\t")[0] for r in rows] == [keys for keys, _zh, _en in SHORTCUTS]
    config_keys = js(page, "JSON.parse(document.getElementById('a11y-toolbar').dataset.config).keys")
    assert config_keys == SCRIPT_KEYS


def test_without_javascript_the_page_works_and_modes_switch(site, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site["www"] + "/")
    assert not page.locator("#a11y-toolbar").is_visible()
    assert not page.locator("[data-a11y-open]").is_visible()
    assert page.locator("main a").count() > 5
    page.get_by_role("link", name="高对比度").click()
    page.wait_for_load_state()
    assert 'class="mode-contrast"' in page.content()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作动态").click()
    page.wait_for_load_state()
    assert 'class="mode-contrast"' in page.content()
    context.close()


def test_toolbar_passes_axe_when_open(site, page):
    open_toolbar(page, site["www"] + "/")
    control(page, "caption").click()
    control(page, "scheme").click()
    failures = [v for v in a11y.run_axe(page) if v.blocking]
    assert failures == []
