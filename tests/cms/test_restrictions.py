"""A page's view restrictions are read in one query (cms.restrictions), and they are the
ones Wagtail's own Page.get_view_restrictions() finds: on the page, on any ancestor, and for
an alias (or a page below one) those of its source page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from tests.factories import make_article, make_column, make_site

WWW = "www.test.localhost"


def wagtails_own(page):
    return set(Page.get_view_restrictions(page))


def ours(page):
    with CaptureQueriesContext(connection) as captured:
        found = set(page.get_view_restrictions())
    assert len(captured.captured_queries) == 1
    return found


@pytest.fixture
def tree(db):
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    news = make_column(site.home, "工作动态", slug="news")
    sub = make_column(news, "部门动态", slug="dept")
    other = make_column(site.home, "通知公告", slug="notices")
    return {
        "home": site.home.specific,
        "news": news,
        "sub": sub,
        "other": other,
        "article": make_article(sub),
        "elsewhere": make_article(other),
    }


def restrict(page, kind=PageViewRestriction.PASSWORD):
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="x")


def test_no_restriction_anywhere(tree):
    for page in tree.values():
        assert ours(page) == wagtails_own(page) == set()


def test_restrictions_on_the_page_and_its_ancestors(tree):
    on_news = restrict(tree["news"])
    on_article = restrict(tree["article"], PageViewRestriction.LOGIN)
    on_home = restrict(tree["home"], PageViewRestriction.LOGIN)
    assert ours(tree["article"]) == wagtails_own(tree["article"]) == {on_news, on_article, on_home}
    assert ours(tree["sub"]) == wagtails_own(tree["sub"]) == {on_news, on_home}
    # A sibling section's page is not below the restricted column.
    assert ours(tree["elsewhere"]) == wagtails_own(tree["elsewhere"]) == {on_home}


def test_an_alias_takes_its_sources_restrictions(tree):
    on_news = restrict(tree["news"])
    # 工作动态 (restricted) appears as an alias under 通知公告, with its pages.
    alias = tree["news"].create_alias(recursive=True, parent=tree["other"], update_slug="news-alias")
    alias_article = Page.objects.get(alias_of=tree["article"]).specific
    restrict(alias)  # an alias's own row is not the one that counts: its source's is
    assert ours(alias) == wagtails_own(alias) == {on_news}
    assert ours(alias_article) == wagtails_own(alias_article) == {on_news}


def test_a_restricted_article_is_not_served_to_a_reader_without_the_password(client, tree):
    restrict(tree["news"])
    response = client.get(tree["article"].url_path.removeprefix(tree["home"].url_path[:-1]), HTTP_HOST=WWW)
    assert response.status_code == 200 and "password" in response.content.decode()
    assert tree["article"].title not in response.content.decode()
