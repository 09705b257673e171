"""The site menu and an article's 上一篇 / 下一篇 are read once per change of the page tree
(cms.page_events): later pages cost only the page-event mark, and a change made by any
process shows at once."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry

from tests.factories import make_article, make_column, make_site

WWW = "www.test.localhost"


@pytest.fixture
def site(db):
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    make_column(site.home, "工作动态", slug="news", show_in_menus=True)
    make_column(site.home, "通知公告", slug="notices", show_in_menus=True)
    return site


def menu_queries(client, url="/news/"):
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url, HTTP_HOST=WWW).content.decode()
    # The menu's query is the one that filters on show_in_menus (every page query reads it).
    menu = [
        q["sql"] for q in captured.captured_queries if '"show_in_menus"' in q["sql"].partition("WHERE")[2]
    ]
    return html, menu


def test_the_menu_is_read_once_and_marks_each_pages_section(client, site):
    html, first = menu_queries(client, "/news/")
    assert len(first) == 1
    assert '<a href="/news/" aria-current="page">工作动态</a>' in html
    html, second = menu_queries(client, "/notices/")
    assert second == []
    # The kept list is shared, the current section is not: each page marks its own.
    assert '<a href="/notices/" aria-current="page">通知公告</a>' in html
    assert '<a href="/news/">工作动态</a>' in html


def test_a_change_logged_by_another_process_shows_on_the_next_page(client, site):
    menu_queries(client)
    # Another process renames a column and logs it: no signal reaches this one, the mark moves.
    news = Page.objects.get(url_path=site.home.url_path + "news/")
    Page.objects.filter(pk=news.pk).update(title="政务动态")
    PageLogEntry.objects.log_action(news, "wagtail.publish")
    html, menu = menu_queries(client)
    assert len(menu) == 1 and ">政务动态</a>" in html


def test_a_page_saved_in_this_process_is_seen_without_a_log_entry(client, site):
    menu_queries(client)
    news = Page.objects.get(url_path=site.home.url_path + "news/")
    news.show_in_menus = False
    news.save()
    html, menu = menu_queries(client, "/notices/")
    assert len(menu) == 1 and 'href="/news/"' not in html


def test_neighbours_are_read_once_until_a_newer_item_is_published(client, site):
    news = Page.objects.get(url_path=site.home.url_path + "news/").specific
    base = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    older = make_article(news, "较早的信息", published_at=base)
    make_article(news, "较新的信息", published_at=base + dt.timedelta(hours=1))

    def render():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(older.url, HTTP_HOST=WWW).content.decode()
        return html, [q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"]]

    html, first = render()
    assert len(first) == 1 and 'rel="prev">较新的信息</a>' in html
    html, again = render()
    assert again == [] and 'rel="prev">较新的信息</a>' in html
    make_article(news, "最新发布的信息", published_at=base + dt.timedelta(minutes=30))
    html, after = render()
    assert len(after) == 1 and 'rel="prev">最新发布的信息</a>' in html


def test_a_log_entry_id_given_again_is_a_new_mark(client, site):
    """SQLite gives a rolled-back insert's id to the next entry, and a restored database
    numbers from where its backup stood: the column's count kept in the shared cache under
    the old entry must not be served for the tree as it is now."""
    news = Page.objects.get(url_path=site.home.url_path + "news/").specific
    base = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    make_article(news, "第一条信息", published_at=base)
    newest = PageLogEntry.objects.order_by("-pk").first()
    html = client.get("/news/", HTTP_HOST=WWW).content.decode()
    assert "第一条信息" in html  # its count (1) is now kept under the newest entry
    make_article(news, "第二条信息", published_at=base + dt.timedelta(hours=1))
    # The log as a restore (or a rollback) leaves it: the newest entry has the old id again.
    PageLogEntry.objects.filter(pk__gte=newest.pk).delete()
    PageLogEntry.objects.log_action(news, "wagtail.publish")
    PageLogEntry.objects.filter(pk=PageLogEntry.objects.order_by("-pk").first().pk).update(id=newest.pk)
    assert PageLogEntry.objects.order_by("-pk").first().pk == newest.pk
    html = client.get("/news/", HTTP_HOST=WWW).content.decode()
    assert "第一条信息" in html and "第二条信息" in html
