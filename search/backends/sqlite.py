# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""Embedded backend: an FTS5 table per language over the analysed tokens finds and counts
the matches of a query of several terms or with filters; ranking is BM25 with the title
weighted 4× (search/ranking.py), read off the posting lists (search/backends/postings.py),
so neither a page of results nor a one-term query's count scores or joins every match."""

import os

from django.db import connection

from ..analysis import LANGUAGES
from . import postings
from .sql import ENTRY_TABLE, delete_ids, facet_rows, filter_sql

# Page cache during a bulk rebuild, in KiB (negative: SQLite's unit for a size in KiB).
BULK_CACHE_KIB = -512 * 1024


def _pragma(cursor, name):
    cursor.execute(f"PRAGMA {name}")
    return cursor.fetchone()[0]


def fts_table(language):
    if language not in LANGUAGES:
        raise ValueError(language)
    return f"portal_search_fts_{language}"


def match_expression(terms):
    # Every token is quoted, so nothing a user types can be read as FTS5 syntax.
    return " OR ".join('"{}"'.format(t.replace('"', '""')) for t in terms)


class SQLiteBackend(postings.PostingsBackend):
    name = "sqlite"

    def store(self, cursor, entries):
        for lang in LANGUAGES:
            rows = [(e.page_id, e.title_tokens, e.body_tokens) for e in entries if e.language == lang]
            if rows:
                cursor.executemany(
                    f"INSERT INTO {fts_table(lang)} (rowid, title, body) VALUES (%s, %s, %s)", rows
                )

    def begin_bulk(self):
        """No fsync while the rebuild loads (a crash means running it again), a page
        cache big enough for the FTS5 segments and the postings' primary key, and helper
        threads for the sort that builds the rank index at the end (measured at 200,000
        pages on two busy cores: 60–83 s with two threads against 100–130 s without)."""
        super().begin_bulk()
        with connection.cursor() as cursor:
            self._pragmas = {
                "cache_size": _pragma(cursor, "cache_size"),
                "threads": _pragma(cursor, "threads"),
            }
            cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
            cursor.execute(f"PRAGMA threads = {os.cpu_count() or 1}")
            # SQLite refuses to change it inside a transaction (a rebuild run inside one:
            # the tests).
            if not connection.in_atomic_block:
                self._pragmas["synchronous"] = _pragma(cursor, "synchronous")
                cursor.execute("PRAGMA synchronous = OFF")

    def end_bulk(self):
        try:
            super().end_bulk()
        finally:
            saved = getattr(self, "_pragmas", None) or {}
            with connection.cursor() as cursor:
                for name, value in saved.items():
                    cursor.execute(f"PRAGMA {name} = {int(value)}")
            self._pragmas = None

    def drop(self, cursor, page_ids):
        for lang in LANGUAGES:
            delete_ids(cursor, fts_table(lang), "rowid", page_ids)

    def drop_all(self, cursor):
        for lang in LANGUAGES:
            cursor.execute(f"DELETE FROM {fts_table(lang)}")

    def count_matches(self, cursor, query, terms):
        return facet_rows(cursor, *_matching(query, terms), query)

    def newest(self, cursor, query, terms):
        from_match, match_params = _matching(query, terms)
        where, params = filter_sql(query)
        cursor.execute(
            f"SELECT e.page_id {from_match} AND {where} "
            "ORDER BY e.published_at DESC, e.page_id DESC LIMIT %s OFFSET %s",
            [*match_params, *params, query.limit, query.offset],
        )
        return [row[0] for row in cursor.fetchall()]

    def join(self, query):
        where, params = filter_sql(query)
        return postings.Join(f"JOIN {ENTRY_TABLE} e ON e.page_id = i.page_id", where, params)

    def indexed_ids(self, language):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {fts_table(language)}")
            return {row[0] for row in cursor.fetchall()}


def _matching(query, terms):
    """FROM … WHERE of the pages matching any of the terms, joined to IndexEntry (`e`)."""
    table = fts_table(query.language)
    return (
        f"FROM {table} JOIN {ENTRY_TABLE} e ON e.page_id = {table}.rowid WHERE {table} MATCH %s",
        [match_expression(terms)],
    )
