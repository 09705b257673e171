"""Interviews in a real browser (headless Chromium). The live script of an interview page:
entries and approved questions that arrive while the page is open are written in the
site's language, exactly as the server writes them on reload. A column listing its
interviews beside its articles, both paged, passes the axe audit.

The browser's requests are answered in the test's own thread by Django's test client
(Playwright's request routing), inside the test's transaction: nothing is committed, so
no live server and no emptied database for the tests after these. The page's clock is
Playwright's, moved on by hand, so the 10-second poll runs at once."""

import datetime as dt
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from accessibility import browser as a11y
from interaction.interviews import LiveEntry, Question, QuestionStatus, Status
from tests.accessibility.conftest import chromium  # noqa: F401 - the browser fixture
from tests.factories import make_article, make_column, make_english_portal, make_site
from tests.interaction.builders import START, make_interview

EN = "en.live.localhost"
WWW = "www.live.localhost"
POLL_MS = 10_000


@pytest.fixture(scope="module", autouse=True)
def browser(chromium):  # noqa: F811
    """The browser; at the end, the database connection the module's tests used is closed.
    While Playwright's sync API runs, Django's connections live in another context than
    before it started, so the one opened then would outlive the test database's teardown."""
    yield chromium
    connections.close_all()


def django_answers(connection):
    """A route handler that serves the page's requests from Django (static files from the
    finders) on `connection`, the test's: Playwright calls handlers in a greenlet of its
    own, whose context would otherwise open a second connection outside the transaction."""

    def answer(route, request):
        connections[DEFAULT_DB_ALIAS] = connection
        answer_with_django(route, request)

    return answer


def answer_with_django(route, request):
    url = urlsplit(request.url)
    if url.path.startswith("/static/"):
        path = Path(finders.find(url.path.removeprefix("/static/")))
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})
        return
    path = url.path + (f"?{url.query}" if url.query else "")
    response = Client().generic(request.method, path, HTTP_HOST=url.hostname)
    route.fulfill(status=response.status_code, body=response.content, headers=dict(response.items()))


def open_page(browser, url):
    context = browser.new_context()
    context.route("**/*", django_answers(connections[DEFAULT_DB_ALIAS]))
    page = context.new_page()
    page.clock.install()
    page.goto(url)
    return context, page


def live_texts(page):
    return (
        page.locator("#live-entries li").all_inner_texts(),
        page.locator("#answered-questions li").all_inner_texts(),
    )


def english_interview():
    column = make_column(make_english_portal(EN).home, title="Online interviews", slug="interviews")
    interview = make_interview(
        column,
        "Opening up government information",
        summary="The director on budgets.",
        guests=[("Li Ming", "Director")],
    )
    arriving = ("Host", "First question, please.\nThank you.", "Reader", "Where are budgets?", "Online.")
    expected = (
        ["Host 09:30: Welcome.", "Host 09:35: First question, please.\nThank you."],
        ["Reader asks: Where are budgets?\n\nGuest answers: Online."],
    )
    return EN, interview, "Welcome.", arriving, expected


def chinese_interview():
    column = make_column(make_site(WWW).home, title="在线访谈", column_type="在线访谈")
    arriving = ("主持人", "请局长回答。", "网友甲", "在哪里查预算？", "在政府网站。")
    expected = (
        ["主持人 09:30：各位网友好。", "主持人 09:35：请局长回答。"],
        ["网友甲 问：在哪里查预算？\n\n嘉宾 答：在政府网站。"],
    )
    return WWW, make_interview(column), "各位网友好。", arriving, expected


@pytest.mark.parametrize("build", [english_interview, chinese_interview], ids=["en", "zh-hans"])
def test_live_updates_are_written_in_the_site_language(browser, build):
    cache.clear()
    host, interview, first_words, arriving, expected = build()
    speaker, text, nickname, question, answer = arriving
    LiveEntry.objects.create(interview=interview, speaker=speaker, text=first_words, posted_at=START)
    url = f"http://{host}{interview.get_url_parts()[2]}"

    context, page = open_page(browser, url)
    # While the page is open: a new entry, and a question approved with an answer by nobody
    # named (the page's word for a guest stands in).
    LiveEntry.objects.create(
        interview=interview, speaker=speaker, text=text, posted_at=START + dt.timedelta(minutes=5)
    )
    Question.objects.create(
        interview=interview, nickname=nickname, text=question, status=QuestionStatus.APPROVED, answer=answer
    )
    page.clock.run_for(POLL_MS)
    page.wait_for_selector("#live-entries li:nth-child(2)")
    page.wait_for_selector("#answered-questions p + p")
    written = live_texts(page)
    page.close()

    # What the script wrote is what the server renders for the same content.
    page = context.new_page()
    page.goto(url)
    assert live_texts(page) == written == expected
    context.close()


def test_a_column_listing_interviews_and_articles_passes_axe(browser, settings):
    settings.COLUMN_PAGE_SIZE = 2  # both lists paged: two navigations on the page
    cache.clear()
    column = make_column(make_site(WWW).home, title="在线访谈", slug="interviews", column_type="在线访谈")
    for n, status in enumerate([Status.ENDED, Status.ENDED, Status.LIVE, Status.PREVIEW]):
        make_interview(
            column,
            title=f"第{n + 1}期访谈",
            slug=f"ft-{n}",
            status=status,
            starts_at=START + dt.timedelta(days=n),
        )
    for n in range(3):
        make_article(column, f"访谈预告第{n + 1}号")
    context = browser.new_context()
    context.route("**/*", django_answers(connections[DEFAULT_DB_ALIAS]))
    page = context.new_page()
    status, violations = a11y.audit_url(page, f"http://{WWW}/interviews/?interviews_page=2")
    badges = page.locator(".status").all_inner_texts()
    context.close()
    assert status == 200
    assert badges == ["已结束", "已结束"]
    assert [f"{v.impact} {v.rule} {v.targets[:3]}" for v in violations if v.blocking] == []
