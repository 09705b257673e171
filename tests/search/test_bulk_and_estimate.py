"""The bulk rebuild (search.indexing.Rebuild, what `search_reindex` runs for the whole
cluster) against incremental indexing, and the estimated count of several-term queries
(search/backends/postings.py: exact up to SEARCH_EXACT_COUNT_LIMIT postings, 约 N 条
above), on whichever database the test database selects."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from wagtail.rich_text import RichText

from search import indexing
from search.analysis import query_terms
from search.backends import get_backend
from search.backends.base import BackendQuery
from search.backends.postings import POSTING_TABLE, RANK_INDEX
from search.models import IndexEntry, IndexEntryColumn, Posting, TermCount, VocabularyTerm
from search.service import SearchParams, search
from tests.factories import make_article, make_column, make_site

pytestmark = pytest.mark.django_db

BASE = timezone.make_aware(datetime.datetime(2014, 3, 1, 9, 0))
HOST = "bulk1.test.localhost"
# Two words, each in many pages, some pages with both: 40 + 40 + 20 pages match.
QUERY = "萤石 矿区"


def _texts():
    for i in range(40):
        yield f"萤石标本第{i}号", "标本说明。" * (1 + i % 3)
    for i in range(40):
        yield f"巡查记录{i}", "今天去了矿区。" * (1 + i % 4)
    for i in range(20):
        yield f"萤石矿区{i}", "萤石" * (i % 5) + "。矿区道路。" * (1 + i % 3)
    for i in range(10):
        yield f"天气预报{i}", "晴转多云。"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # A transactional test run earlier on this worker is cleaned up by Django's flush,
        # which empties the models' tables but not the backend's own (raw SQL) tables: the
        # snapshots compare this module's pages only.
        get_backend().clear()
        sites = [make_site(hostname=f"bulk{n}.test.localhost") for n in (1, 2)]
        columns = [make_column(s.home, title="矿产资源") for s in sites]
        made = []
        for k, (title, body) in enumerate(_texts()):
            made.append(
                make_article(
                    columns[k % 2],
                    title=title,
                    summary="",
                    body=[("paragraph", RichText(f"<p>{body}</p>"))],
                    published_at=BASE + datetime.timedelta(days=k),
                )
            )
        yield {"sites": [s.site for s in sites], "pages": made}
        transaction.set_rollback(True)


def snapshot():
    """Everything the index holds, as comparable sets."""
    backend = get_backend()
    return {
        "postings": set(Posting.objects.values_list("page_id", "term", "language", "impact", "published")),
        "counts": set(
            TermCount.objects.filter(df__gt=0).values_list(
                "language", "term", "site_id", "content_type", "df"
            )
        ),
        "vocabulary": set(
            VocabularyTerm.objects.filter(df__gt=0).values_list(
                "language", "term", "df", "pinyin", "initials"
            )
        ),
        "entries": set(
            IndexEntry.objects.values_list(
                "page_id",
                "language",
                "site_id",
                "content_type",
                "title_tokens",
                "body_tokens",
                "published_at",
            )
        ),
        "columns": set(IndexEntryColumn.objects.values_list("entry_id", "column_id")),
        "backend": backend.indexed_ids("zh"),
    }


def sqlite_pragmas():
    """The connection settings a SQLite rebuild changes for its own time (none elsewhere)."""
    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as cursor:
        values = {}
        for name in ("cache_size", "threads", "synchronous"):
            cursor.execute(f"PRAGMA {name}")
            values[name] = cursor.fetchone()[0]
        return values


def rank_index_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", [RANK_INDEX.name]
            )
        else:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RANK_INDEX.name])
        return cursor.fetchone() is not None


def all_ids(q, **filters):
    ids, page = [], 1
    while True:
        answer = search(SearchParams(q=q, page=page, page_size=10, log=False, **filters))
        if not answer["results"]:
            return ids
        ids += [r["id"] for r in answer["results"]]
        page += 1


@pytest.mark.parametrize("workers", [0, 1])
def test_the_bulk_rebuild_builds_the_same_index_as_incremental_indexing(world, workers):
    before = snapshot()
    ranked = {q: all_ids(q) for q in (QUERY, "萤石", "矿区道路")}
    assert len(before["postings"]) > 300
    pragmas = sqlite_pragmas()
    with transaction.atomic():
        with indexing.Rebuild(workers=workers) as rebuild:
            # With a worker process the analysis of a batch overlaps the writing of the
            # previous one: each call writes the batch before it, the last is written
            # on leaving the block.
            assert (rebuild.pool is not None) == bool(workers)
            ids = list(indexing.indexable_pages())
            written = [rebuild.add(ids[start : start + 7]) for start in range(0, len(ids), 7)]
            assert written[0] == (0 if workers else 7)
        assert rebuild.indexed == len(ids) == len(before["entries"])
        assert rebuild.pool is None
        # The bulk load's page cache and sorter threads are the rebuild's only.
        assert sqlite_pragmas() == pragmas
        after = snapshot()
        assert rank_index_exists()
        assert {q: all_ids(q) for q in ranked} == ranked
        transaction.set_rollback(True)
    assert after == before


def test_entries_are_stored_field_for_field_as_built(world):
    # Entries and their column rows go in through one prepared statement (SQLite) or COPY
    # (PostgreSQL), not the ORM's bulk_create: every field must read back as built.
    page = world["pages"][0]
    built = indexing.build_entries([page.pk], indexing.SiteMap())[0]
    before = timezone.now()
    with transaction.atomic():
        indexing.index_pages([page.pk])
        stored = IndexEntry.objects.get(pk=page.pk)
        columns = set(IndexEntryColumn.objects.filter(entry_id=page.pk).values_list("column_id", flat=True))
        transaction.set_rollback(True)
    for field in IndexEntry._meta.concrete_fields:
        if field.name != "indexed_at":
            assert getattr(stored, field.attname) == getattr(built, field.attname), field.name
    assert stored.indexed_at >= before - datetime.timedelta(seconds=1)
    assert built.published_at and built.text and built.url.startswith("http")
    assert columns == set(built.column_ids) and columns


def test_search_reindex_rebuilds_in_bulk_and_keeps_the_incremental_path_right(world):
    before = snapshot()
    with transaction.atomic():
        call_command("search_reindex", "--no-progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert snapshot() == before
        assert rank_index_exists()
        # Publishing after the rebuild (the incremental path) moves postings and counts.
        page = world["pages"][-1]
        page.title = "萤石新发现"
        page.save_revision().publish()
        assert "萤石" in {
            t for _, t, *_ in Posting.objects.filter(page_id=page.pk).values_list("page_id", "term")
        }
        assert indexing.statistics_drift() == []
        transaction.set_rollback(True)


def test_a_failed_rebuild_still_ends_with_its_rank_index(world):
    with transaction.atomic():
        with pytest.raises(RuntimeError), indexing.Rebuild() as rebuild:
            rebuild.add(list(indexing.indexable_pages())[:5])
            raise RuntimeError("interrupted")
        assert rank_index_exists()
        assert indexing.statistics_drift() == []
        transaction.set_rollback(True)


def _hits(q, **kwargs):
    return get_backend().search(BackendQuery(language="zh", terms=query_terms(q), **kwargs))


def test_the_count_is_exact_below_the_limit(world, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 10_000
    hits = _hits(QUERY)
    assert not hits.estimated
    assert hits.total == len(all_ids(QUERY)) == 100
    answer = search(SearchParams(q=QUERY, log=False))
    assert answer["count"] == 100 and answer["count_estimated"] is False


def test_the_count_is_an_estimate_above_the_limit(world, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    hits = _hits(QUERY)
    assert hits.estimated
    df = {
        t: TermCount.objects.filter(term=t, df__gt=0).values_list("df", flat=True) for t in query_terms(QUERY)
    }
    largest = max(sum(v) for v in df.values())
    assert largest <= hits.total <= sum(sum(v) for v in df.values())
    # The estimate stays within the pages of the index and near the true union (100).
    assert 60 <= hits.total <= 110
    assert sum(hits.facets["site"].values()) == hits.total
    # The ranking is still exact: the same pages in the same order as counted exactly.
    settings.SEARCH_EXACT_COUNT_LIMIT = 10_000
    exact = _hits(QUERY, limit=20)
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    assert _hits(QUERY, limit=20).ids == exact.ids
    # One term is always counted from the statistics, exactly.
    assert not _hits("萤石").estimated


def test_a_page_that_reaches_the_end_makes_the_count_exact(world, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    hits = _hits(QUERY, offset=95, limit=10)
    assert not hits.estimated and hits.total == 100 and len(hits.ids) == 5


def test_a_filtered_query_is_counted_exactly(world, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    hits = _hits(QUERY, date_from=BASE)
    assert not hits.estimated and hits.total == 100


def test_the_page_says_about_n_results_for_an_estimate(world, client, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    response = client.get("/search/", {"q": QUERY, "scope": "cluster"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    count = re.search(r'class="search-count"[^>]*>(.*?)<', response.content.decode()).group(1)
    assert re.fullmatch(r"共找到约 \d+ 条结果", count), count
    settings.SEARCH_EXACT_COUNT_LIMIT = 10_000
    response = client.get("/search/", {"q": QUERY, "scope": "cluster"}, HTTP_HOST=HOST)
    count = re.search(r'class="search-count"[^>]*>(.*?)<', response.content.decode()).group(1)
    assert count == "共找到 100 条结果"


@pytest.mark.parametrize("page", [10, 11, 12, 50, 1000])
def test_paging_past_an_estimate_is_no_error(world, client, settings, page):
    settings.SEARCH_EXACT_COUNT_LIMIT = 5
    html = client.get("/search/", {"q": QUERY, "scope": "cluster", "page": page}, HTTP_HOST=HOST)
    assert html.status_code == 200
    api = client.get("/api/v1/search/", {"q": QUERY, "page": page}, HTTP_HOST=HOST)
    assert api.status_code == 200
    body = api.json()
    # Page 10 holds the last ten of the 100 matches; past it a page is empty.
    assert len(body["results"]) == (10 if page == 10 else 0)
    assert body["count_estimated"] is True


def test_the_rank_index_is_what_a_one_term_search_reads(world):
    # The bulk rebuild's end creates the index the lists are read through, by name.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {POSTING_TABLE} WHERE term = %s", ["萤石"])  # noqa: S608
        assert cursor.fetchone()[0] == 60
    assert rank_index_exists()
