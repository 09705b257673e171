"""Hostile input answers a clear 4xx, never a 500 (issue 14): cursors and dates at the edge
of what a datetime holds, published_at in year 1, JSON nested past the recursion limit, a
race on one external_id, non-ASCII digits and 20-digit ids, NUL in Wagtail API v2 queries.
Runs on SQLite and PostgreSQL."""

import base64
import json

import pytest
from django.db import connection
from django.test import TestCase

from channels.api.models import ApiKey
from cms.models import ArticlePage
from interaction.interviews import Interview
from tests.channels.wechat_fixtures import make_image
from tests.factories import make_article, make_column, make_site, make_user
from tests.interaction.builders import make_interview

from .conftest import T0, WWW

ITEM = {
    "external_id": "hostile-0001",
    "column": "news",
    "title": "北湖区召开电子政务工作会议",
    "body_html": "<p>会议要求公开。</p>",
    "published_at": "2014-03-05T09:30:00+08:00",
}


def b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class HostileInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.news = make_column(cls.www.home, "工作动态", slug="news", channels=["web", "app"])
        cls.article = make_article(cls.news, title="工作动态一", published_at=T0)
        cls.interviews = make_column(cls.www.home, "在线访谈", slug="fangtan", column_type="在线访谈")
        cls.interview = make_interview(cls.interviews)
        cls.submitter = make_user("baosong", cls.www.groups["editor"])
        cls.key, cls.raw = ApiKey.issue(site=cls.www.site, name="市信息报送系统", user=cls.submitter)

    def get(self, url, **params):
        return self.client.get(url, params, HTTP_HOST=WWW)

    def assert_problem(self, response, status, name=None):
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        if name is not None:
            assert [p["name"] for p in body["invalid_params"]] == [name], body
            assert name in body["detail"]
        return body

    # -- cursors and dates -------------------------------------------------------------

    def test_a_cursor_in_year_one_east_of_utc_is_a_400(self):
        for text in ("0001-01-01T00:00:00+14:00|5", "9999-12-31T23:59:59-14:00|5"):
            self.assert_problem(self.get("/api/v1/items/", cursor=b64(text)), 400, "cursor")

    def test_a_cursor_that_is_not_a_time_is_a_400(self):
        for text in ("2014-13-45T00:00:00+08:00|5", "2014-03-05T00:00:00+08:00|²", "x|5"):
            self.assert_problem(self.get("/api/v1/items/", cursor=b64(text)), 400, "cursor")

    def test_a_valid_cursor_still_works(self):
        response = self.get("/api/v1/items/", cursor=b64("2030-01-01T00:00:00+08:00|5"))
        assert response.status_code == 200, response.content

    def test_changes_since_out_of_range_is_a_400(self):
        self.assert_problem(self.get("/api/v1/changes/", since="9" * 30), 400, "since")
        self.assert_problem(self.get("/api/v1/changes/", since="²"), 400, "since")

    def test_dates_at_the_ends_of_the_calendar_limit_nothing(self):
        for params in (
            {"to": "9999-12-31"},
            {"from": "0001-01-01"},
            {"from": "0001-01-01", "to": "9999-12-31"},
        ):
            response = self.get("/api/v1/items/", **params)
            assert response.status_code == 200, response.content
            assert self.article.pk in [item["id"] for item in response.json()["results"]]
            for url in ("/search/", "/wap/search/"):
                response = self.get(url, q="工作动态", **params)
                assert response.status_code == 200, (url, params, response.content)
            response = self.get("/api/v1/search/", q="工作动态", **params)
            assert response.status_code == 200, (params, response.content)

    # -- the write API -----------------------------------------------------------------

    def post(self, body=None, raw_body=None):
        data = raw_body if raw_body is not None else json.dumps(body)
        return self.client.post(
            "/api/v1/submissions/",
            data,
            content_type="application/json",
            HTTP_HOST=WWW,
            HTTP_AUTHORIZATION=f"Bearer {self.raw}",
        )

    def test_published_at_beyond_what_the_database_holds_is_a_400(self):
        for value in ("0001-01-01", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
            body = self.assert_problem(self.post({**ITEM, "published_at": value}), 400)
            assert "published_at" in body["detail"], body
        assert not ArticlePage.objects.filter(external_id=ITEM["external_id"]).exists()

    def test_json_nested_past_the_recursion_limit_is_a_400(self):
        for raw in ("[" * 100_000, "{" * 100_000, '{"a":' * 100_000):
            body = self.assert_problem(self.post(raw_body=raw), 400)
            assert "JSON" in body["detail"]

    def test_losing_a_race_on_one_external_id_is_a_409(self):
        # Another request creates the item (here: gives an article its external_id) right
        # after this one looked for an item under the id and found none: this one's insert
        # meets the database's unique constraint.
        rival = make_article(self.news, title="并发写入的另一条", published_at=T0)
        raced = []

        def rival_writes_after_the_check(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            is_check = sql.lstrip().upper().startswith("SELECT") and "external_id" in sql
            if is_check and not raced and params and ITEM["external_id"] in params:
                raced.append(sql)
                ArticlePage.objects.filter(pk=rival.pk).update(external_id=ITEM["external_id"])
            return result

        with connection.execute_wrapper(rival_writes_after_the_check):
            response = self.post(ITEM)
        assert raced
        body = self.assert_problem(response, 409)
        assert body["type"].endswith("/exists") and ITEM["external_id"] in body["detail"]
        assert list(ArticlePage.objects.filter(external_id=ITEM["external_id"])) == [rival]
        # Nothing of the losing request was written; the service still answers.
        assert self.post({**ITEM, "external_id": "hostile-0002"}).status_code == 201

    # -- interviews --------------------------------------------------------------------

    def test_live_json_after_with_non_ascii_digits_is_a_400(self):
        url = f"/interaction/interviews/{self.interview.pk}/live.json"
        for after in ("²", "١٢", "9" * 30):
            response = self.get(url, after=after)
            assert response.status_code == 400, (after, response.content)
            assert "after" in response.json()["error"]
        assert self.get(url, after="0").status_code == 200

    def test_live_json_of_an_id_beyond_the_database_is_a_404(self):
        for pk in ("9" * 20, str(2**31), str(2**63)):
            assert self.get(f"/interaction/interviews/{pk}/live.json").status_code == 404, pk
            response = self.client.post(f"/interaction/interviews/{pk}/ask/", {}, HTTP_HOST=WWW)
            assert response.status_code == 404, pk
        assert Interview.objects.filter(pk=self.interview.pk).exists()

    # -- Wagtail API v2 ----------------------------------------------------------------

    def test_nul_in_a_v2_query_is_a_400(self):
        for url in ("/api/v2/pages/", f"/api/v2/pages/{self.article.pk}/"):
            for params in ({"search": "\x00"}, {"search": "a\x00b"}, {"title": "\x00"}, {"fields": "\x00"}):
                response = self.get(url, **params)
                assert response.status_code == 400, (url, params, response.content)
                assert "message" in response.json()
        assert self.get("/api/v2/pages/", search="工作").status_code == 200

    def test_v2_lists_no_images(self):
        # It listed every image of every site; the app API shows public items' images only.
        assert self.get("/api/v2/images/").status_code == 404


@pytest.mark.django_db
def test_v2_page_detail_with_a_cover_image_still_answers_without_the_images_endpoint(client):
    site = make_site("v2.test.localhost")
    article = make_article(make_column(site.home, "工作动态"), cover_image=make_image("封面"))
    response = client.get(
        f"/api/v2/pages/{article.pk}/", {"fields": "cover_image"}, HTTP_HOST="v2.test.localhost"
    )
    assert response.status_code == 200
    assert response.json()["cover_image"]["id"] == article.cover_image_id
