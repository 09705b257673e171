"""A parent column collects its sub-columns' items in every channel that lists a column:
the web column page and homepage block, WAP, the app API's column filter, and the web
channel's cache purge of the lists that show an item."""

import pytest
from django.core.cache import cache

from channels.web.adapter import list_pages
from tests.factories import make_article, make_column, make_site

WWW = "www.parent.localhost"


@pytest.fixture
def zwdt(db):
    cache.clear()
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    parent = make_column(site.home, "政务动态", slug="zwdt", show_in_menus=True)
    news = make_column(parent, "工作动态", slug="gzdt")
    departments = make_column(parent, "部门动态", slug="bmdt")
    items = [
        make_article(news, "市政府召开常务会议", published_at="2014-05-01T08:00:00+08:00"),
        make_article(departments, "市财政局部署预算公开", published_at="2014-05-02T08:00:00+08:00"),
    ]
    return parent, news, items


def test_web_column_page_and_homepage_block_list_sub_columns_items(client, zwdt):
    parent, _, items = zwdt
    html = client.get("/zwdt/", HTTP_HOST=WWW).content.decode()
    assert "市政府召开常务会议" in html and "市财政局部署预算公开" in html
    assert "暂无信息" not in html
    home = client.get("/", HTTP_HOST=WWW)
    assert home.status_code == 200
    block = home.content.decode().split(f'id="column-{parent.pk}-heading"')
    assert len(block) == 2, "the 政务动态 block is on the homepage"
    assert "市财政局部署预算公开" in block[1].split("</section>")[0]


def test_wap_column_lists_sub_columns_items(client, zwdt):
    html = client.get("/wap/zwdt/", HTTP_HOST=WWW).content.decode()
    assert html.index("市财政局部署预算公开") < html.index("市政府召开常务会议")  # newest first


def test_app_api_column_filter_lists_sub_columns_items(client, zwdt):
    parent, news, items = zwdt
    response = client.get("/api/v1/items/", {"column": parent.pk, "type": "article"}, HTTP_HOST=WWW)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [items[1].pk, items[0].pk]
    only_news = client.get("/api/v1/items/", {"column": news.pk, "type": "article"}, HTTP_HOST=WWW)
    assert [item["id"] for item in only_news.json()["results"]] == [items[0].pk]


def test_web_channel_purges_the_parent_columns_list_too(zwdt):
    parent, news, items = zwdt
    purged = {page.pk for page in list_pages(items[0])}
    assert {parent.pk, news.pk} <= purged
