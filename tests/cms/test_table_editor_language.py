"""The table block's editor in the editor's language (issue 15, deliver 5), in a real browser
(Debian's chromium).

Wagtail passes Handsontable Django's language code ("zh-hans"), which Handsontable does not
know: it logged 'Language with code "zh-hans" was not found' and stayed English. The block
(cms/blocks.py) now asks for Handsontable's own code and registers the Chinese dictionary
Wagtail's bundle lacks (static/js/handsontable-zh-CN.js). A zh-hans editor opens an article
with a table: no console error, a Chinese context menu and Chinese header choices with the
header row explained; an English editor gets the English menu, also without an error.

The fixtures are the browser tests' demo-like site (tests/accessibility/conftest.py), whose
政策文件 article has a table."""

import pytest
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from cms.blocks import TABLE_HELP_TEXT
from cms.models import ArticlePage
from sites.provisioning import group_name
from tests.accessibility.conftest import (  # noqa: F401 - the fixtures
    browser_context,
    chromium,
    site,
    site_content,
    wait_until,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "table-editor-test-2014"
# The table block's field: its help text, the Handsontable grid, the header choice, the caption.
TABLE_FIELD = ".w-field--table_input"


@pytest.fixture
def page(browser_context):  # noqa: F811
    """A browser page whose editing-session requests end before the test database is flushed.

    Wagtail's editor pings its editing session while open and releases it on unload; a
    request still reaching the live server during the flush deadlocked PostgreSQL once.
    Teardown refuses further session requests, waits for those in flight, then closes."""
    page = browser_context.new_page()
    in_flight = set()
    # Lambdas: Playwright wraps handlers with attributes a builtin method cannot take.
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    yield page
    page.route("**/editing-sessions/**", lambda route: route.abort())
    for _ in range(100):
        if not in_flight:
            break
        page.wait_for_timeout(100)
    page.close()


def editor(language):
    user = make_user(f"www_editor_{language}", Group.objects.get(name=group_name("郴州市人民政府", "editor")))
    user.set_password(PASSWORD)
    user.save()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def open_table_editor(page, base, user):
    """Log in as `user`, open the editor of the article with a table, and wait until
    Handsontable has drawn it; returns the console errors met on the way."""
    errors = []

    def console(message):
        # A failed load is reported with its address below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(response):
        # The live server serves no uploaded media: the image choosers' previews are 404s.
        if response.status >= 400 and "/media/" not in response.url:
            errors.append(f"{response.status} {response.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", response)
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    article = next(a for a in ArticlePage.objects.all() if any(b.block_type == "table" for b in a.body))
    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    wait_until(page, "() => document.querySelectorAll('.handsontable td').length >= 6")
    return errors


def context_menu(page):
    page.locator(".handsontable td").first.click(button="right")
    wait_until(page, "() => !!document.querySelector('.htContextMenu:not([style*=\"display: none\"]) td')")
    return page.locator(".htContextMenu").first.inner_text()


def test_chinese_editor_gets_a_chinese_table_editor_without_errors(site, page):  # noqa: F811
    errors = open_table_editor(page, site["www"], editor("zh-hans"))
    assert errors == []
    menu = context_menu(page)
    assert "在上方插入行" in menu and "删除列" in menu and "撤销" in menu
    assert "Insert row above" not in menu
    block = page.locator(TABLE_FIELD).first.inner_text()
    assert "表头设置" in block and "第一行作为表头" in block
    assert TABLE_HELP_TEXT in block
    assert "Table headers" not in block
    assert errors == []


def test_english_editor_keeps_an_english_table_editor_without_errors(site, page):  # noqa: F811
    errors = open_table_editor(page, site["www"], editor("en"))
    assert errors == []
    menu = context_menu(page)
    assert "Insert row above" in menu
    assert "Table headers" in page.locator(TABLE_FIELD).first.inner_text()
    assert errors == []
