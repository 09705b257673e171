"""The live script of an interview page in a real browser (headless Chromium): entries and
approved questions that arrive while the page is open are written in the site's language,
exactly as the server writes them on reload. The page's clock is Playwright's, moved on
by hand, so the 10-second poll runs at once."""

import datetime as dt

import pytest
from django.core.cache import cache

from interaction.interviews import LiveEntry, Question, QuestionStatus
from tests.accessibility.conftest import EN, WWW, chromium  # noqa: F401 - the browser fixture
from tests.channels.transactional import baseline, snapshot  # noqa: F401 - the database put back
from tests.factories import make_column, make_english_portal, make_site
from tests.interaction.builders import START, make_interview

# The live server needs committed data (snapshot and baseline put the database back).
pytestmark = pytest.mark.django_db(transaction=True)

POLL_MS = 10_000


def open_page(chromium, url):  # noqa: F811 - the fixture's value
    context = chromium.new_context()
    page = context.new_page()
    page.clock.install()
    page.goto(url)
    return context, page


def entry_and_question_arrive(interview, speaker, text, nickname, question, answer):
    LiveEntry.objects.create(
        interview=interview, speaker=speaker, text=text, posted_at=START + dt.timedelta(minutes=5)
    )
    Question.objects.create(
        interview=interview, nickname=nickname, text=question, status=QuestionStatus.APPROVED, answer=answer
    )


def live_texts(page):
    return (
        page.locator("#live-entries li").all_inner_texts(),
        page.locator("#answered-questions li").all_inner_texts(),
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_live_updates_are_written_in_the_site_language(chromium, live_server, language):  # noqa: F811
    cache.clear()
    if language == "en":
        host = EN
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
        words = "Welcome."
    else:
        host = WWW
        column = make_column(make_site(WWW).home, title="在线访谈", column_type="在线访谈")
        interview = make_interview(column)
        arriving = ("主持人", "请局长回答。", "网友甲", "在哪里查预算？", "在政府网站。")
        expected = (
            ["主持人 09:30：各位网友好。", "主持人 09:35：请局长回答。"],
            ["网友甲 问：在哪里查预算？\n\n嘉宾 答：在政府网站。"],
        )
        words = "各位网友好。"
    LiveEntry.objects.create(interview=interview, speaker=arriving[0], text=words, posted_at=START)
    port = live_server.url.rsplit(":", 1)[1]
    url = f"http://{host}:{port}{interview.get_url_parts()[2]}"

    context, page = open_page(chromium, url)
    entry_and_question_arrive(interview, *arriving)
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
