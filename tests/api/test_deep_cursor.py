"""A cursor page deep in a list is found through the index, not by reading every newer row
and throwing it away: the database starts at the cursor, so page 500 costs what page 1
does. Checked on the plan each database makes for the list's own keyset query."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.pages import add_articles
from tests.factories import make_column, make_site

from .conftest import T0, WWW

ARTICLES = 300
DEPTH = 200


@pytest.fixture
def deep_cursor(client):
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    news = make_column(site.home, "工作动态", slug="news")
    add_articles(
        news,
        (
            {"title": f"信息{n}", "slug": f"i{n}", "published_at": T0 + dt.timedelta(minutes=n)}
            for n in range(ARTICLES)
        ),
    )
    cursor = None
    for _ in range(DEPTH // 100):
        page = client.get(
            "/api/v1/items/", {"page_size": 100, **({"cursor": cursor} if cursor else {})}, HTTP_HOST=WWW
        )
        cursor = page.json()["next_cursor"]
    return cursor


def keyset_query(client, **params):
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/api/v1/items/", {"page_size": 20, **params}, HTTP_HOST=WWW).json()
    (sql,) = [q["sql"] for q in captured.captured_queries if "list_key" in q["sql"]]
    return sql, page


def rows_thrown_away(sql):
    """Rows of cms_articlepage the plan reads and then filters out (PostgreSQL), with the
    table's statistics up to date and its index preferred over reading the small table
    whole, as the planner chooses for a site's thousands of items."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    nodes, removed = [plan[0]["Plan"]], 0
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == "cms_articlepage":
            removed += node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
        nodes += node.get("Plans", [])
    return removed


def searched_by_index(sql):
    """Whether SQLite starts its walk of cms_articlepage at a published_at bound."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        steps = [row[-1] for row in cursor.fetchall()]
    return any(step.startswith("SEARCH cms_articlepage") and "published_at<" in step for step in steps), steps


def test_a_page_at_depth_starts_at_its_cursor(client, deep_cursor):
    sql, page = keyset_query(client, cursor=deep_cursor)
    assert len(page["results"]) == 20
    assert page["results"][0]["title"] == f"信息{ARTICLES - DEPTH - 1}"
    if connection.vendor == "postgresql":
        # Without the bound every one of the DEPTH newer rows would be read and dropped.
        assert rows_thrown_away(sql) < 5
    else:
        # SQLite draws the range from the OR on its own; the bound must not cost it that.
        found, steps = searched_by_index(sql)
        assert found, steps
