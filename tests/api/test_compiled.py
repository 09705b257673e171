"""The app API list's keys statement is compiled once per shape in each process
(channels/api/newest.py, channels/api/slots.py): another cursor page or another date range
of the same list runs the same statement with the request's values in its slots, and
answers with that request's items."""

import datetime as dt

import pytest
from django.db import transaction

from channels.api.serializers import ArticleSerializer
from tests.factories import make_article, make_column, make_site

from .conftest import T0, WWW

DAYS = 12


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """A site with one article a day for DAYS days (titles 第0天 … 第11天), built once."""
    with django_db_blocker.unblock(), transaction.atomic():
        site = make_site(WWW, "郴州市人民政府", code="4310000001")
        news = make_column(site.home, "工作动态", slug="news")
        for day in range(DAYS):
            make_article(news, title=f"第{day}天", published_at=T0 + dt.timedelta(days=day))
        yield news.pk
        transaction.set_rollback(True)


@pytest.fixture
def builds(db, built, monkeypatch):
    """The list_keys() calls made (one per type and compiled statement)."""
    calls = []
    original = ArticleSerializer.list_keys.__func__

    def counted(cls, **kwargs):
        calls.append(kwargs)
        return original(cls, **kwargs)

    monkeypatch.setattr(ArticleSerializer, "list_keys", classmethod(counted))
    return calls


def titles(client, **params):
    response = client.get("/api/v1/items/", {"type": "article", **params}, HTTP_HOST=WWW)
    assert response.status_code == 200, response.content
    answer = response.json()
    return [item["title"] for item in answer["results"]], answer["next_cursor"]


def test_every_cursor_page_after_the_first_runs_one_compiled_statement(client, builds):
    first, cursor = titles(client, page_size=3)
    assert first == ["第11天", "第10天", "第9天"]
    assert len(builds) == 1
    # The first page with a cursor compiles the shape with the cursor's slots ...
    second, cursor = titles(client, page_size=3, cursor=cursor)
    assert second == ["第8天", "第7天", "第6天"]
    assert len(builds) == 2
    # ... and every later page fills them with its own cursor.
    third, cursor = titles(client, page_size=3, cursor=cursor)
    fourth, cursor = titles(client, page_size=3, cursor=cursor)
    assert (third, fourth, cursor) == (["第5天", "第4天", "第3天"], ["第2天", "第1天", "第0天"], None)
    assert len(builds) == 2
    # The first page again, and another page size (a shape of its own).
    assert titles(client, page_size=3)[0] == first
    assert len(builds) == 2
    assert titles(client, page_size=4)[0] == ["第11天", "第10天", "第9天", "第8天"]
    assert len(builds) == 3


def test_each_date_range_of_a_shape_answers_with_its_own_items(client, builds):
    def day(n):
        return (T0 + dt.timedelta(days=n)).date().isoformat()

    assert titles(client, **{"from": day(2), "to": day(4)})[0] == ["第4天", "第3天", "第2天"]
    assert titles(client, **{"from": day(7), "to": day(8)})[0] == ["第8天", "第7天"]
    assert titles(client, **{"from": day(20), "to": day(30)})[0] == []
    assert len(builds) == 1
    # Only a start: another shape.
    assert titles(client, **{"from": day(10)})[0] == ["第11天", "第10天"]
    assert len(builds) == 2


def test_a_filter_value_is_part_of_the_shape(client, builds, built):
    assert len(titles(client, column=built)[0]) == DAYS
    assert titles(client, column=built, validity="valid")[0] == []
    assert len(builds) == 2
