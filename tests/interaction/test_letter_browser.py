"""A citizen on a phone (390 px wide, headless Chromium) writes a letter with the keyboard
only, reads the tracking code and password, looks the letter up with them, and axe-core
(served from the pinned package, no CDN) reports no violations on the write, success and
lookup pages, nor on the form with its error summary, the mailbox page and the WAP form.

As in test_live_browser.py, the browser's requests are answered in the test's own thread by
Django's test client (Playwright's routing), inside the test's transaction: nothing is
committed and no live server runs."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from accessibility import browser as a11y
from interaction.mailbox import Letter
from tests import browsers
from tests.factories import make_site
from tests.interaction.mailbox_builders import make_mailbox

HOST = "www.letterbrowser.localhost"
NUMBERS = "零一二三四五六七八九十"


@pytest.fixture(scope="module")
def chromium():
    with browsers.chromium(host_rules=[HOST]) as browser:
        yield browser
        # While Playwright runs, Django's connections live in another context: the one the
        # test opened there is closed there, or it would outlive the test database.
        connections.close_all()


def django_answers(connection):
    """Serve the page's requests, POST bodies included, from Django on the test's connection."""

    def answer(route, request):
        connections[DEFAULT_DB_ALIAS] = connection
        url = urlsplit(request.url)
        if url.path.startswith("/static/"):
            path = Path(finders.find(url.path.removeprefix("/static/")))
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        response = Client().generic(
            request.method,
            path,
            data=request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", "application/octet-stream"),
            HTTP_HOST=url.hostname,
        )
        route.fulfill(status=response.status_code, body=response.content, headers=dict(response.items()))

    return answer


def tab_to(page, element_id, limit=80):
    """Press Tab until the element has the focus: it is reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def no_violations(page):
    """axe finds nothing, and nothing is wider than the phone's 390 px."""
    violations = a11y.run_axe(page)
    assert violations == [], violations
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390 px"


def answer_question(page):
    label = page.locator("label[for=id_answer]").inner_text()
    a, b = label.split("：", 1)[1][0], label.split("加", 1)[1][0]
    return str(NUMBERS.index(a) + NUMBERS.index(b))


def test_write_and_look_up_a_letter_by_keyboard_at_390px(chromium):
    cache.clear()
    mailbox = make_mailbox(make_site(hostname=HOST))
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.route("**/*", django_answers(connections[DEFAULT_DB_ALIAS]))
    page = context.new_page()
    try:
        page.goto(f"http://{HOST}{mailbox.url}xiexin/")
        no_violations(page)

        # First a mistake: the error summary and the marked fields pass axe too.
        tab_to(page, "id_answer")
        page.keyboard.type("0")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(".form-errors[role=alert]").count() == 1
        no_violations(page)

        page.goto(f"http://{HOST}{mailbox.url}xiexin/")
        tab_to(page, "id_category")
        page.keyboard.press("ArrowDown")  # 建议
        tab_to(page, "id_title")
        page.keyboard.type("关于增设公交站台的建议")
        page.keyboard.press("Tab")
        page.keyboard.type("建议在市民中心门口增设公交站台，方便老人办事。")
        tab_to(page, "id_name")
        page.keyboard.type("陈")
        tab_to(page, "id_consent_publish")
        page.keyboard.press("Space")
        tab_to(page, "id_answer")
        page.keyboard.type(answer_question(page))
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.type") == "submit"
        with page.expect_navigation():
            page.keyboard.press("Enter")

        code = page.locator("#tracking-code").inner_text()
        password = page.locator("#query-password").inner_text()
        letter = Letter.objects.get(tracking_code=code)
        assert (
            letter.title == "关于增设公交站台的建议"
            and letter.consent_publish
            and letter.category == "suggest"
        )
        no_violations(page)

        page.goto(f"http://{HOST}{mailbox.url}chaxun/")
        no_violations(page)
        tab_to(page, "id_tracking_code")
        page.keyboard.type(code)
        page.keyboard.press("Tab")
        page.keyboard.type(password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "关于增设公交站台的建议" in page.content() and "待受理" in page.content()
        no_violations(page)

        page.goto(f"http://{HOST}{mailbox.url}")  # the mailbox page and its WAP version
        no_violations(page)
        page.goto(f"http://{HOST}/wap{mailbox.url}xiexin/")
        no_violations(page)
    finally:
        context.close()
