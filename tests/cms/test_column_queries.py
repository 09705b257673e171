"""A column list costs the same number of queries whatever its length: no per-item
lookups of specific pages, organisations, sites or URLs (the list's page is full here,
with syndicated items from another site and items with an organisation)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_column, make_organisation, make_site

WWW = "www.test.localhost"


def add_articles(column, count, start, organisation=None):
    base = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    return [
        make_article(
            column,
            f"郴州市政务动态第{n}期",
            organisation=organisation if n % 2 else None,
            doc_number=f"郴政办函〔2014〕{n}号" if n % 3 == 0 else "",
            validity="valid" if n % 4 == 0 else "",
            published_at=base + dt.timedelta(hours=n),
        )
        for n in range(start, start + count)
    ]


def count_queries(client, host, url):
    """Queries of one warm request (the first also fills Wagtail's site-root cache)."""
    assert client.get(url, HTTP_HOST=host).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def cluster(db):
    cache.clear()
    www = make_site(WWW, "郴州市人民政府", code="4310000001")
    county = make_site("bhq.test.localhost", "北湖区人民政府", code="4310020001")
    news = make_column(www.home, "工作动态", slug="news", show_in_menus=True)
    county_news = make_column(county.home, "县区动态", slug="county-news")
    make_column(www.home, "通知公告", slug="notices", show_in_menus=True)
    return news, county_news, make_organisation()


def test_column_list_query_count_is_constant(client, cluster):
    news, county_news, organisation = cluster
    add_articles(news, 3, 1, organisation)
    for article in add_articles(county_news, 2, 100, organisation):
        article.syndicate_to.add(news)
        article.save()
    small, html = count_queries(client, WWW, "/news/")
    assert html.count('<li>\n      <a href="') == 5

    add_articles(news, 38, 4, organisation)
    for article in add_articles(county_news, 2, 200, organisation):
        article.syndicate_to.add(news)
        article.save()
    large, html = count_queries(client, WWW, "/news/")
    # The four syndicated items are the newest; they link to the county site that owns them.
    assert html.count('href="http://bhq.test.localhost/county-news/') == 4
    assert html.count('<li>\n      <a href="') == 20
    assert small == large, f"5 items: {small} queries, 45 items: {large}"

    page_two, _ = count_queries(client, WWW, "/news/?page=2")
    assert page_two == large


def test_home_page_query_count_does_not_grow_with_articles(client, cluster):
    news, _, organisation = cluster
    add_articles(news, 5, 1, organisation)
    small, _ = count_queries(client, WWW, "/")
    add_articles(news, 40, 6, organisation)
    large, html = count_queries(client, WWW, "/")
    assert "郴州市政务动态第45期" in html
    assert small == large, f"5 items: {small} queries, 45 items: {large}"


def test_article_page_query_count_is_small(client, cluster):
    news, _, organisation = cluster
    (article,) = add_articles(news, 1, 3, organisation)
    queries, html = count_queries(client, WWW, article.get_url_parts()[2])
    assert "索引号" in html
    # A guard against per-block or per-attachment lookups creeping in: routing (site,
    # profile, locale, the home page, the address's pages with the page-event mark in one
    # query, the article's own row telling whether it has attachments: cms.routing), view
    # restrictions, the organisation; the menu and both neighbours are kept per process.
    assert queries <= 10, queries
    # Breadcrumbs and the column's meta tags use the parents routing found: no query.
    client.get(article.get_url_parts()[2], HTTP_HOST=WWW)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(article.get_url_parts()[2], HTTP_HOST=WWW)
    sql = [q["sql"] for q in captured.captured_queries]
    assert 'class="breadcrumbs' in response.content.decode()
    assert '<meta name="ColumnName" content="工作动态"' in response.content.decode()
    # parent_column() would look the column up by its path, breadcrumbs the ancestors by depth.
    assert not [q for q in sql if '"wagtailcore_page"."path" = ' in q], sql
    assert not [q for q in sql if 'ORDER BY "wagtailcore_page"."depth"' in q], sql


def test_column_routes_to_its_own_child_by_slug_and_lists_only_child_columns(client, cluster):
    news = cluster[0]
    sub = make_column(news, "图片新闻", slug="tupian")
    # The same slug one level further down must not answer for the column's own child.
    nested = make_column(sub, "深层栏目", slug="shared")
    make_article(sub, "子栏目中的信息", slug="shared-article")
    own = make_article(news, "栏目中的信息", slug="shared")

    response = client.get("/news/shared/", HTTP_HOST=WWW)
    assert response.status_code == 200 and own.title in response.content.decode()
    assert client.get("/news/tupian/shared/", HTTP_HOST=WWW).context["page"].pk == nested.pk
    assert client.get("/news/shared-article/", HTTP_HOST=WWW).status_code == 404
    assert client.get("/news/no-such-item/", HTTP_HOST=WWW).status_code == 404

    # Sub-columns: the column's live child columns only, not its articles or grandchildren.
    assert [p.pk for p in news.child_sections(type(news))] == [sub.pk]
    body = client.get("/news/", HTTP_HOST=WWW).content.decode()
    assert 'href="/news/tupian/"' in body and 'href="/news/tupian/shared/"' not in body


def test_parent_column_pages_cost_the_same_from_first_to_last(client, cluster, settings):
    """A parent column lists its sub-columns' items; any page of it is read as a range of
    the listing index alone (no join with the page table), then 20 pages by primary key."""
    news, _, organisation = cluster
    settings.COLUMN_PAGE_SIZE = 3
    gzdt = make_column(news, "工作动态", slug="gzdt")
    bmdt = make_column(news, "部门动态", slug="bmdt")
    add_articles(gzdt, 6, 1, organisation)
    add_articles(bmdt, 6, 7, organisation)
    first, html = count_queries(client, WWW, "/news/")
    assert "郴州市政务动态第12期" in html and "郴州市政务动态第10期" in html
    last, html = count_queries(client, WWW, "/news/?page=4")
    assert "郴州市政务动态第1期" in html and '<span aria-current="page">4</span>' in html
    assert first == last
    with CaptureQueriesContext(connection) as queries:
        client.get("/news/?page=4", HTTP_HOST=WWW)
    (window,) = [q["sql"] for q in queries.captured_queries if 'FROM "cms_columnlisting"' in q["sql"]]
    assert "JOIN" not in window and "OFFSET 9" in window
