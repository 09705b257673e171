# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""PostgreSQL backend: one row per page in its own table, holding a tsvector of the
analysed tokens (built directly from them, so no text-search parser or dictionary is
involved: the `simple` behaviour) and copies of IndexEntry's filter columns, so matching,
counting and faceting never join the wide IndexEntry rows; a GIN index finds the matches.
Ranking is BM25 with the title weighted 4× (search/ranking.py), read off the posting lists
(search/backends/postings.py): exact for every query, and a page of results costs the
same for a term in ten pages as for one in half the index.
"""

from contextlib import contextmanager

from django.db import connection, transaction

from . import postings
from .base import split_facets
from .sql import copy_rows, delete_ids, filter_sql

TABLE = "portal_search_pgdoc"
DATE_ORDER = "p.published_at DESC NULLS LAST, p.page_id DESC"
COLUMNS = (
    "page_id",
    "language",
    "site_id",
    "content_type",
    "organisation_id",
    "validity",
    "published_at",
    "tsv",
)


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title_tokens, body_tokens):
    """The tsvector text of a page: its distinct tokens. It only finds matches (ranking
    reads the postings), so it carries no positions or weights."""
    return " ".join(_quote(t) for t in dict.fromkeys(f"{title_tokens} {body_tokens}".split()))


def tsquery_literal(terms):
    return " | ".join(_quote(t) for t in terms)


@contextmanager
def gin_only(cursor):
    """Inside: a match condition on a tsvector must come from its GIN index. The planner
    prices `tsv @@ q` as cheap and, for a common term, picks a sequential scan that
    decompresses every page's tsvector (measured 33 ms against 3 ms for 中国|人民|发展 at
    20,000 pages). The setting is restored on leaving, even inside an outer transaction."""
    with transaction.atomic():
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        previous = cursor.fetchone()[0]
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


class PostgresBackend(postings.PostingsBackend):
    name = "postgres"

    def store(self, cursor, entries):
        rows = [
            (
                e.page_id,
                e.language,
                e.site_id,
                e.content_type,
                e.organisation_id,
                e.validity,
                e.published_at,
                tsvector_literal(e.title_tokens, e.body_tokens),
            )
            for e in entries
        ]
        copy_rows(cursor, TABLE, COLUMNS, rows)

    def drop(self, cursor, page_ids):
        delete_ids(cursor, TABLE, "page_id", page_ids)

    def drop_all(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    def count_matches(self, cursor, query, terms):
        where, params = filter_sql(query, facets=True, alias="p")
        with gin_only(cursor):
            cursor.execute(
                f"SELECT p.site_id, p.content_type, COUNT(*) FROM {TABLE} p "
                f"WHERE p.tsv @@ %s::tsquery AND {where} GROUP BY p.site_id, p.content_type",
                [tsquery_literal(terms), *params],
            )
            return split_facets(cursor.fetchall(), query)

    def newest(self, cursor, query, terms):
        where, params = filter_sql(query, alias="p")
        with gin_only(cursor):
            cursor.execute(
                f"SELECT p.page_id FROM {TABLE} p WHERE p.tsv @@ %s::tsquery AND {where} "
                f"ORDER BY {DATE_ORDER} LIMIT %s OFFSET %s",
                [tsquery_literal(terms), *params, query.limit, query.offset],
            )
            return [r[0] for r in cursor.fetchall()]

    def join(self, query):
        where, params = filter_sql(query, alias="p")
        return postings.Join(f"JOIN {TABLE} p ON p.page_id = i.page_id", where, params)

    def end_rebuild(self, language):
        # Fresh planner statistics after a full reindex.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}, {postings.POSTING_TABLE}, {postings.COUNT_TABLE}")

    def indexed_ids(self, language):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT page_id FROM {TABLE} WHERE language = %s", [language])
            return {row[0] for row in cursor.fetchall()}
