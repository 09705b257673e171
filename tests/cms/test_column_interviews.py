"""A column lists its online interviews (cms.listing.ChildList, registered by the
interaction app): title, status and start time, newest first, paged on the server like
the articles, in the site's language, at a query count that does not grow with the list."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from interaction.interviews import Status
from tests.cms.test_column_queries import count_queries
from tests.factories import make_article, make_column, make_english_portal, make_site
from tests.interaction.builders import START, make_interview

WWW = "www.test.localhost"
EN = "en.test.localhost"
STATUSES = [Status.ENDED, Status.LIVE, Status.PREVIEW]


def add_interviews(column, count, start=1):
    """Interviews one day apart (the n-th starts n days after START), statuses in turn."""
    return [
        make_interview(
            column,
            title=f"第{n}期嘉宾访谈",
            slug=f"interview-{n}",
            status=STATUSES[n % 3],
            starts_at=START + dt.timedelta(days=n),
        )
        for n in range(start, start + count)
    ]


def interview_numbers(html):
    return [int(n) for n in re.findall(r">第(\d+)期嘉宾访谈</a>", html)]


@pytest.fixture
def column(db):
    cache.clear()
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    return make_column(site.home, "在线访谈", slug="interviews", column_type="在线访谈")


def test_interview_list_query_count_is_constant(client, column):
    add_interviews(column, 3)
    small, html = count_queries(client, WWW, "/interviews/")
    assert interview_numbers(html) == [3, 2, 1]

    add_interviews(column, 40, start=4)
    large, html = count_queries(client, WWW, "/interviews/")
    assert interview_numbers(html) == list(range(43, 23, -1))
    assert small == large, f"3 interviews: {small} queries, 43: {large}"
    page_two, html = count_queries(client, WWW, "/interviews/?interviews_page=2")
    assert interview_numbers(html) == list(range(23, 3, -1))
    assert page_two == large


def test_interview_rows_show_status_and_start_time_with_the_article_list_markup(client, column):
    add_interviews(column, 3)
    html = client.get("/interviews/", HTTP_HOST=WWW).content.decode()
    section = html[html.index('<section aria-labelledby="interviews-heading">') :]
    assert '<h2 id="interviews-heading">在线访谈</h2>' in section
    rows = re.findall(r"<li>\s*(.*?)\s*</li>", section[: section.index("</section>")], re.S)
    assert len(rows) == 3
    # n=3 → ended, n=2 → preview, n=1 → live; each starts n days after 18 June 2014, 9:30.
    assert re.sub(r"\s+", " ", rows[0]) == (
        '<a href="/interviews/interview-3/">第3期嘉宾访谈</a> '
        '<span class="status status--ended">已结束</span> '
        '<time datetime="2014-06-21T09:30:00+08:00">2014-06-21 09:30</time>'
    )
    assert "预告" in rows[1] and "直播中" in rows[2]
    # A column of interviews only says nothing about having no articles.
    assert "暂无信息" not in html and 'id="list-heading"' not in html


@override_settings(COLUMN_PAGE_SIZE=2)
def test_interviews_and_articles_are_paged_apart(client, column):
    add_interviews(column, 5)
    for n in range(1, 4):
        make_article(column, f"访谈预告第{n}号", published_at=dt.datetime(2014, 6, n, tzinfo=dt.UTC))
    html = client.get("/interviews/?page=2&interviews_page=3", HTTP_HOST=WWW).content.decode()
    assert re.findall(r"访谈预告第(\d)号", html) == ["1"]
    assert interview_numbers(html) == [1]
    # Each list's links keep the other list's page; the two navigations have their own names.
    assert 'href="?interviews_page=3&amp;page=1"' in html
    assert 'href="?page=2&amp;interviews_page=2"' in html
    assert 'aria-label="分页"' in html and 'aria-label="在线访谈分页"' in html
    # A bad or too large page number falls back as the article list's does.
    html = client.get("/interviews/?interviews_page=x", HTTP_HOST=WWW).content.decode()
    assert interview_numbers(html) == [5, 4]
    html = client.get("/interviews/?interviews_page=99", HTTP_HOST=WWW).content.decode()
    assert interview_numbers(html) == [1]


def test_only_live_children_of_the_column_are_listed(client, column):
    first, second = add_interviews(column, 2)
    # An interview column of its own (a column lists the types its kind offers).
    sub = make_column(column, "往期访谈", slug="archive", column_type="在线访谈")
    add_interviews(sub, 1, start=9)
    second.unpublish()
    html = client.get("/interviews/", HTTP_HOST=WWW).content.decode()
    assert interview_numbers(html) == [1]
    assert interview_numbers(client.get("/interviews/archive/", HTTP_HOST=WWW).content.decode()) == [9]
    # A column without interviews has no interview list at all.
    news = make_column(column.get_parent(), "工作动态", slug="news")
    make_article(news, "郴州市政务动态")
    html = client.get("/news/", HTTP_HOST=WWW).content.decode()
    assert "interviews-heading" not in html and "郴州市政务动态" in html


def test_english_portal_lists_interviews_in_english(client, db):
    cache.clear()
    en = make_english_portal(EN)
    column = make_column(en.home, "Online Interviews", slug="interviews", column_type="在线访谈")
    make_interview(
        column, title="Director of Finance on budget disclosure", slug="finance", status=Status.LIVE
    )
    html = client.get("/interviews/", HTTP_HOST=EN).content.decode()
    assert '<h2 id="interviews-heading">Online interviews</h2>' in html
    assert '<span class="status status--live">Live now</span>' in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "直播中" not in main and "在线访谈" not in main  # (the P01 meta tags stay Chinese)
