"""Ranking from the posting lists (search/backends/postings.py) against its definition
(search/ranking.py) scored over every indexed page, on whichever database backend the test
database selects; and the index statistics (TermCount) against a recount of the entries."""

import datetime
import math
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.rich_text import RichText

from search.analysis import query_terms
from search.models import IndexEntry, TermCount
from search.ranking import idf, term_impacts
from search.service import SearchParams, search
from tests.factories import make_article, make_column, make_site

pytestmark = pytest.mark.django_db

BASE = timezone.make_aware(datetime.datetime(2013, 1, 1, 9, 0))


def _texts():
    """(title, body, day) of 150 pages over two words, 萤石 and 矿区: long runs of pages
    that tie (same text), so no list's first read settles a query of both words, and
    pages with both words at different strengths."""
    for i in range(60):
        yield f"萤石标本第{i % 3}号", "", (i * 7) % 60
    for i in range(60):
        yield f"巡查记录{i}", "今天去了矿区。" * (1 + i % 4), 61 + (i * 11) % 60
    for i in range(30):
        yield f"萤石矿区{i}", "萤石" * (i % 5) + "。矿区道路。" * (1 + i % 3) + "说明文字。" * i, 130 + i


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        sites = [make_site(hostname=f"rank{n}.test.localhost") for n in (1, 2)]
        columns = [make_column(s.home, title="矿产资源") for s in sites]
        made = []
        for k, (title, body, day) in enumerate(_texts()):
            made.append(
                make_article(
                    columns[k % 2],
                    title=title,
                    summary="",
                    body=[("paragraph", RichText(f"<p>{body}</p>"))] if body else [],
                    published_at=BASE + datetime.timedelta(days=day),
                )
            )
        yield {"sites": [s.site for s in sites], "pages": made}
        transaction.set_rollback(True)


def expected_order(q, keep=lambda entry: True):
    """Every matching page scored by the definition, from the entries themselves: idf from
    a recount of the pages, not from TermCount; best first, ties newest first."""
    terms = query_terms(q)
    entries = list(IndexEntry.objects.filter(language="zh"))
    impacts = {e.page_id: term_impacts(e.title_tokens, e.body_tokens) for e in entries}
    df = Counter(t for weights in impacts.values() for t in weights)
    weight = {t: idf(len(entries), df[t]) for t in terms if df[t]}
    scored = []
    for e in entries:
        if keep(e) and any(t in impacts[e.page_id] for t in weight):
            score = sum(weight[t] * impacts[e.page_id].get(t, 0.0) for t in weight)
            seconds = int(e.published_at.timestamp()) if e.published_at else 0
            scored.append((-score, -seconds, -e.page_id))
    return [-key[2] for key in sorted(scored)]


def all_pages(q, **filters):
    ids, page = [], 1
    while True:
        answer = search(SearchParams(q=q, page=page, page_size=10, log=False, **filters))
        if not answer["results"]:
            return ids, answer["count"]
        ids += [r["id"] for r in answer["results"]]
        page += 1


@pytest.mark.parametrize("q", ["萤石矿区", "萤石 矿区", "矿区", "萤石"])
def test_every_page_of_results_is_the_full_scoring_in_order(pages, q):
    ids, count = all_pages(q)
    expected = expected_order(q)
    assert len(expected) > 40  # longer than a list's first read
    assert count == len(expected)
    assert ids == expected


def test_filters_are_applied_while_the_lists_are_read(pages):
    site = pages["sites"][1]
    since = BASE + datetime.timedelta(days=30)
    ids, count = all_pages("萤石矿区", site_id=site.pk, date_from=since)
    expected = expected_order("萤石矿区", lambda e: e.site_id == site.pk and e.published_at >= since)
    assert 0 < len(expected) < len(expected_order("萤石矿区"))
    assert (ids, count) == (expected, len(expected))


def recount():
    counts = Counter()
    for e in IndexEntry.objects.all():
        for term in {"", *e.title_tokens.split(), *e.body_tokens.split()}:
            counts[e.language, term, e.site_id, e.content_type] += 1
    return counts


def stored_counts():
    return Counter(
        {(r.language, r.term, r.site_id, r.content_type): r.df for r in TermCount.objects.filter(df__gt=0)}
    )


def test_statistics_follow_publish_edit_move_unpublish_and_delete(pages):
    made = pages["pages"]
    assert stored_counts() == recount()
    edited = made[0]
    edited.title = "萤石博物馆开放"
    edited.save_revision().publish()
    made[1].move(made[2].get_parent(), pos="last-child")
    made[3].unpublish()
    made[5].delete()
    assert stored_counts() == recount()


def test_a_one_term_search_costs_the_same_queries_however_many_pages_match(pages):
    def cost(q):
        search(SearchParams(q=q, log=False))  # warm the cached lookups
        with CaptureQueriesContext(connection) as queries:
            answer = search(SearchParams(q=q, log=False))
        return len(queries), answer

    # Both find enough pages for no "您是不是要找" lookup.
    rare_queries, rare = cost("道路")
    common_queries, common = cost("萤石")
    assert 3 <= rare["count"] < common["count"]
    assert rare_queries == common_queries
    site = pages["sites"][0]
    in_site = sum(
        1 for e in IndexEntry.objects.filter(site_id=site.pk) if "萤石" in e.title_tokens + e.body_tokens
    )
    assert {"id": site.pk, "name": site.site_name, "count": in_site} in common["facets"]["site"]


def test_idf_is_positive_for_a_term_in_most_pages():
    assert idf(10, 10) > 0
    assert math.isclose(idf(10, 0), math.log(1 + 10.5 / 0.5))


def test_a_token_longer_than_an_index_key_is_cut_alike_at_indexing_and_query_time(pages):
    code = "x7" * 60  # one 120-character token, as in a pasted code
    column = pages["pages"][0].get_parent()
    page = make_article(column, title=f"校验码 {code}", summary="")
    answer = search(SearchParams(q=code, log=False))
    assert [r["id"] for r in answer["results"]] == [page.pk]
    assert answer["count"] == 1
