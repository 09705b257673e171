"""cms.routing: the home page finds the pages of a whole address in one query, and answers
exactly what Wagtail's own walk (Page.route, one level at a time) answers."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.tree import cached_parent
from tests.factories import make_article, make_column, make_site
from tests.interaction.mailbox_builders import make_mailbox

WWW = "www.test.localhost"


def wagtail_walk(home, request, components):
    """Wagtail's route() from the home page down, whatever the home page's own route()."""
    return Page.route(home, request, components)


def answer(route, home, request, components):
    try:
        page, args, kwargs = route(home, request, components)
    except Http404:
        return "404"
    # A routable page's answer names its view as a method bound to that page instance.
    args = tuple(getattr(arg, "__func__", arg) for arg in args)
    return (page.pk, type(page).__name__, args, dict(kwargs))


@pytest.fixture
def tree(db):
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    news = make_column(site.home, "工作动态", slug="news")
    sub = make_column(news, "图片新闻", slug="tupian")
    hidden = make_column(site.home, "草稿栏目", slug="draft-column")
    make_article(hidden, "未发布栏目中的信息", slug="inside")
    hidden.unpublish()
    make_article(news, "栏目中的信息", slug="item")
    make_article(sub, "子栏目中的信息", slug="item")
    make_article(news, "未发布的信息", slug="unpublished", publish=False)
    mailbox = make_mailbox(site, slug="zxts")
    other = make_site("bhq.test.localhost", "北湖区人民政府", code="4310020001")
    make_article(make_column(other.home, "县区动态", slug="news"), "县区信息", slug="elsewhere")
    return site.home.specific, mailbox


ADDRESSES = [
    [],
    ["news"],
    ["news", "item"],
    ["news", "tupian"],
    ["news", "tupian", "item"],
    ["news", "unpublished"],
    ["news", "no-such-item"],
    ["news", "item", "deeper"],
    ["draft-column"],
    ["draft-column", "inside"],
    ["no-such-column", "item"],
    ["news", "elsewhere"],
    ["hdjl"],
    ["hdjl", "zxts"],
    ["hdjl", "zxts", "xiexin"],
    ["hdjl", "zxts", "tongji", "csv"],
    ["hdjl", "zxts", "no-such-route"],
]


@pytest.mark.parametrize("components", ADDRESSES, ids=lambda c: "/" + "/".join(c))
def test_every_address_answers_what_wagtails_walk_answers(tree, components):
    home, _ = tree
    request = RequestFactory().get("/", HTTP_HOST=WWW)
    assert answer(type(home).route, home, request, components) == answer(
        wagtail_walk, home, request, components
    )


def test_an_article_three_levels_down_costs_two_queries_and_brings_its_parents(tree):
    home, _ = tree
    request = RequestFactory().get("/", HTTP_HOST=WWW)
    with CaptureQueriesContext(connection) as queries:
        page, _, _ = home.route(request, ["news", "tupian", "item"])
    # The chain by url_path, then the article's own row; Wagtail's walk takes six.
    assert len(queries) == 2, [q["sql"] for q in queries.captured_queries]
    assert page.title == "子栏目中的信息" and page.body is not None
    column = cached_parent(page)
    assert (column.title, column.column_type, column.slug) == ("图片新闻", "工作动态", "tupian")
    assert cached_parent(column).slug == "news" and cached_parent(cached_parent(column)).pk == home.pk
    with CaptureQueriesContext(connection) as queries:
        assert column.url_path.endswith("/news/tupian/")
    assert len(queries) == 0


def test_a_routable_page_in_the_middle_takes_the_rest_of_the_address(tree):
    home, mailbox = tree
    request = RequestFactory().get("/", HTTP_HOST=WWW)
    page, args, kwargs = home.route(request, ["hdjl", "zxts", "chaxun"])
    assert page.pk == mailbox.pk and type(page).__name__ == "MailboxPage"
    assert args[0].__name__ == "lookup_route"


def test_a_moved_column_is_found_at_its_new_address(client, tree):
    home, _ = tree
    sub = Page.objects.get(url_path=home.url_path + "news/tupian/")
    sub.specific.move(home, pos="last-child")
    assert client.get("/tupian/item/", HTTP_HOST=WWW).status_code == 200
    # The old address is a 404 for the router; Wagtail's redirect for moved pages answers.
    old = client.get("/news/tupian/item/", HTTP_HOST=WWW)
    assert old.status_code == 301 and old["Location"].endswith("/tupian/item/")
    assert client.get("/news/item/", HTTP_HOST=WWW).status_code == 200


def test_an_article_without_attachments_asks_for_none_and_one_with_them_shows_them(client, tree):
    from cms.models import ArticleAttachment

    article = Page.objects.get(url_path__endswith="/news/item/").specific

    def attachment_queries():
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/news/item/", HTTP_HOST=WWW).content.decode()
        return html, [q for q in captured.captured_queries if "cms_articleattachment" in q["sql"]]

    html, queries = attachment_queries()
    # Only routing's EXISTS, inside the article's own query.
    assert len(queries) == 1 and "EXISTS" in queries[0]["sql"] and 'class="attachments"' not in html
    ArticleAttachment.objects.create(
        page=article, title="实施方案全文", url="https://www.example.gov.cn/a.pdf"
    )
    html, queries = attachment_queries()
    assert len(queries) == 2 and "实施方案全文" in html
