"""Made for weak networks: cursor pagination stable under publishing, a constant number of
queries per list whatever the page size, ETag/Last-Modified with 304, Cache-Control, gzip;
and bad input answered with problem+json naming what is wrong."""

import datetime as dt
import gzip
import json

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from bench.pages import add_articles
from cms.items import item_types
from tests.factories import make_article, make_column, make_site

from .conftest import T0, WWW


class PaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.news = make_column(cls.www.home, "工作动态", slug="news")
        cls.items = [make_article(cls.news, published_at=T0 + dt.timedelta(hours=i)) for i in range(25)]

    def get(self, **params):
        return self.client.get("/api/v1/items/", params, HTTP_HOST=WWW)

    def walk(self, **params):
        seen, cursor = [], None
        while True:
            page = self.get(**params, **({"cursor": cursor} if cursor else {})).json()
            seen += [i["id"] for i in page["results"]]
            cursor = page["next_cursor"]
            if not cursor:
                return seen

    def test_cursor_walks_every_item_once_newest_first(self):
        expected = [a.pk for a in reversed(self.items)]
        assert self.walk(page_size=7) == expected
        assert self.walk(page_size=7, column=self.news.pk) == expected

    def test_pages_stay_stable_while_items_are_published(self):
        first = self.get(page_size=10).json()
        make_article(self.news, title="新发布", published_at=T0 + dt.timedelta(days=5))
        second = self.get(page_size=10, cursor=first["next_cursor"]).json()
        assert [i["id"] for i in second["results"]] == [a.pk for a in reversed(self.items)][10:20]
        assert first["next"].startswith(f"http://{WWW}/api/v1/items/?") and "cursor=" in first["next"]

    def test_page_size_over_the_maximum_is_capped(self):
        # 105 items in all, over the maximum of 100 (inserted in bulk: bench/pages.py).
        add_articles(self.news, ({"title": f"旧信息{n}", "slug": f"old-{n}"} for n in range(80)))
        page = self.get(page_size=5000).json()
        assert len(page["results"]) == 100 and page["next_cursor"]

    def test_query_count_does_not_grow_with_page_size(self):
        self.get(page_size=1)  # warm Wagtail's cached site root paths
        for params in ({}, {"column": self.news.pk}, {"site": WWW, "type": "article"}):
            # Which types have items where this list looks is read once per page event
            # (channels.api.newest.present_types).
            self.get(page_size=1, **params)
            counts = set()
            for size in (2, 10, 25):
                with CaptureQueriesContext(connection) as ctx:
                    assert len(self.get(page_size=size, **params).json()["results"]) == size
                counts.add(len(ctx.captured_queries))
            assert len(counts) == 1, (params, counts)


@pytest.mark.django_db
@override_settings(API_ENTRY_MEMO=False)
def test_query_count_is_the_same_for_10_and_100_items(client, django_assert_num_queries):
    www = make_site(WWW, "郴州市人民政府", code="4310000001")
    news = make_column(www.home, "工作动态", slug="news")
    add_articles(news, ({"title": f"信息{i}", "slug": f"i{i}"} for i in range(120)))
    client.get("/api/v1/items/", {"page_size": 1}, HTTP_HOST=WWW)
    # Every present type's keys in one statement, which reads the page-event mark too
    # (which item types have items here is kept under it since the first request:
    # channels.api.newest), the articles that made the page, their columns and the latest
    # change (the site and its profile are remembered since the first request:
    # sites/resolution.py): however many item types the API has (article, topic,
    # disclosure, interview, and the test settings' notice of tests/itemtype). This is what
    # every list costs whose entries this process has not built yet
    # (channels/api/entries.py; tests/api/test_entries.py counts the kept ones).
    assert len(item_types(api=True)) >= 5
    queries = 4
    with django_assert_num_queries(queries):
        assert len(client.get("/api/v1/items/", {"page_size": 10}, HTTP_HOST=WWW).json()["results"]) == 10
    with django_assert_num_queries(queries):
        assert len(client.get("/api/v1/items/", {"page_size": 100}, HTTP_HOST=WWW).json()["results"]) == 100


class CachingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.news = make_column(cls.www.home, "工作动态", slug="news")
        cls.item = make_article(cls.news, summary="电子政务" * 200)

    def test_etag_and_304(self):
        first = self.client.get("/api/v1/items/", HTTP_HOST=WWW)
        assert first["Cache-Control"] == "public, max-age=60"
        etag = first["ETag"]
        again = self.client.get("/api/v1/items/", HTTP_HOST=WWW, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
        make_article(self.news, title="新的信息")
        changed = self.client.get("/api/v1/items/", HTTP_HOST=WWW, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag

    def test_last_modified_and_if_modified_since(self):
        detail = self.client.get(f"/api/v1/items/{self.item.pk}/", HTTP_HOST=WWW)
        assert detail["Last-Modified"] == http_date(self.item.last_published_at.timestamp())
        later = http_date(self.item.last_published_at.timestamp() + 10)
        assert (
            self.client.get(
                f"/api/v1/items/{self.item.pk}/", HTTP_HOST=WWW, HTTP_IF_MODIFIED_SINCE=later
            ).status_code
            == 304
        )
        listing = self.client.get("/api/v1/items/", HTTP_HOST=WWW)
        since = listing["Last-Modified"]
        assert (
            self.client.get("/api/v1/items/", HTTP_HOST=WWW, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
        )

    def test_gzip_when_accepted(self):
        plain = self.client.get(f"/api/v1/items/{self.item.pk}/", HTTP_HOST=WWW)
        zipped = self.client.get(f"/api/v1/items/{self.item.pk}/", HTTP_HOST=WWW, HTTP_ACCEPT_ENCODING="gzip")
        assert zipped["Content-Encoding"] == "gzip"
        assert len(zipped.content) < len(plain.content) / 3
        assert json.loads(gzip.decompress(zipped.content)) == plain.json()
        assert "Accept-Encoding" in zipped["Vary"]


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.news = make_column(cls.www.home, "工作动态", slug="news")
        make_article(cls.news)

    def problem(self, url, status, **params):
        response = self.client.get(url, params, HTTP_HOST=WWW)
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status and body["type"].startswith("https://") and body["detail"]
        return body

    def test_unknown_parameter_is_named(self):
        body = self.problem("/api/v1/items/", 400, colum="1", page_size="5")
        assert body["invalid_params"] == [{"name": "colum", "reason": "不支持的参数"}]
        assert "colum" in body["detail"]

    def test_invalid_cursor(self):
        for cursor in ("nonsense", "Zm9vfGJhcg", "A" * 300, "MjAxNC0wMy0wMXwxMg"):
            body = self.problem("/api/v1/items/", 400, cursor=cursor)
            assert body["invalid_params"][0]["name"] == "cursor"

    def test_invalid_values(self):
        for name, value in (
            ("page_size", "0"),
            ("page_size", "ten"),
            ("type", "video"),
            ("from", "2014-13-01"),
            ("column", "x"),
            ("validity", "maybe"),
            ("lang", "fr"),
        ):
            body = self.problem("/api/v1/items/", 400, **{name: value})
            assert body["invalid_params"][0]["name"] == name
        self.problem("/api/v1/changes/", 400, since="abc")

    def test_nul_in_a_parameter_is_400_on_every_database(self):
        # PostgreSQL refuses NUL in text, even in a lookup: found by the schemathesis run.
        for url in ("/api/v1/columns/", "/api/v1/items/", "/api/v1/organisations/"):
            body = self.problem(url, 400, site="www\x00.api.localhost")
            assert body["invalid_params"][0]["name"] == "site"

    def test_column_of_another_site(self):
        other = make_site("bhq.api.localhost", "北湖区人民政府", code="4310020001")
        column = make_column(other.home, "北湖动态")
        self.problem("/api/v1/items/", 400, column=str(column.pk))

    def test_unknown_site_is_404(self):
        self.problem("/api/v1/items/", 404, site="nowhere.example")
        self.problem("/api/v1/items/", 404, site="99999")
        self.problem("/api/v1/columns/", 404, site="nowhere.example")
        self.problem("/api/v1/sites/99999/", 404)
        response = self.client.get("/api/v1/items/", HTTP_HOST="unknown.example")
        assert response.status_code == 404


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_problem_and_an_unknown_page_the_sites_404(client):
    make_site(WWW, "郴州市人民政府", code="4310000001")
    api = client.get("/api/v1/no-such-endpoint/", HTTP_HOST=WWW)
    assert api.status_code == 404 and api["Content-Type"].startswith("application/problem+json")
    assert "/api/v1/docs/" in api.json()["detail"]
    page = client.get("/no-such-page/", HTTP_HOST=WWW)
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
