# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""Embedded backend: an FTS5 table per language over the analysed tokens, ranked by
bm25() with the title weighted 4× the body (measured nDCG@10 0.43 on a 23k corpus,
p95 11.5 ms for the commonest terms; docs/search.md)."""

from django.db import connection

from ..analysis import LANGUAGES
from .base import FILTER_KEYS, Hits, SearchBackend
from .sql import ENTRY_TABLE, facet_rows, filter_sql

TITLE_WEIGHT = 4.0
# Rows fetched past the page so that ties at its edges are ordered without the full query.
TIE_SLACK = 40


def fts_table(language):
    if language not in LANGUAGES:
        raise ValueError(language)
    return f"portal_search_fts_{language}"


def match_expression(terms):
    # Every token is quoted, so nothing a user types can be read as FTS5 syntax.
    return " OR ".join('"{}"'.format(t.replace('"', '""')) for t in terms)


def _filtered(query):
    """Whether filter_sql would add anything beyond the language (same tests as there)."""
    return bool(query.content_type) or any(
        getattr(query, key) is not None for key in FILTER_KEYS if key != "content_type"
    )


class _Desc:
    """Wraps a sort key so that it sorts in reverse."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value > other.value

    def __eq__(self, other):
        return self.value == other.value


class SQLiteBackend(SearchBackend):
    name = "sqlite"

    def index(self, entries):
        entries = list(entries)
        if not entries:
            return
        self.delete([e.page_id for e in entries])
        with connection.cursor() as cursor:
            for lang in LANGUAGES:
                rows = [(e.page_id, e.title_tokens, e.body_tokens) for e in entries if e.language == lang]
                if rows:
                    cursor.executemany(
                        f"INSERT INTO {fts_table(lang)} (rowid, title, body) VALUES (%s, %s, %s)", rows
                    )

    def delete(self, page_ids):
        page_ids = list(page_ids)
        with connection.cursor() as cursor:
            for lang in LANGUAGES:
                for start in range(0, len(page_ids), 500):
                    chunk = page_ids[start : start + 500]
                    marks = ",".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM {fts_table(lang)} WHERE rowid IN ({marks})", chunk)

    def search(self, query):
        table = fts_table(query.language)
        match = match_expression(query.terms)
        from_match = f"FROM {table} JOIN {ENTRY_TABLE} e ON e.page_id = {table}.rowid WHERE {table} MATCH %s"
        where, params = filter_sql(query)
        with connection.cursor() as cursor:
            ids = None
            if query.order != "date" and not _filtered(query):
                ids = self._top_by_rank(cursor, table, match, query)
            if ids is None:
                if query.order == "date":
                    order = "e.published_at DESC, e.page_id DESC"
                else:
                    order = f"bm25({table}, {TITLE_WEIGHT}, 1.0), e.published_at DESC, e.page_id DESC"
                cursor.execute(
                    f"SELECT e.page_id {from_match} AND {where} ORDER BY {order} LIMIT %s OFFSET %s",
                    [match, *params, query.limit, query.offset],
                )
                ids = [row[0] for row in cursor.fetchall()]
            total, facets = facet_rows(cursor, from_match, [match], query)
        return Hits(ids=ids, total=total, facets=facets)

    def _top_by_rank(self, cursor, table, match, query):
        """The page of results ranked inside FTS5 alone, joining IndexEntry only for the
        rows returned: the join per match cost more than bm25 itself (measured at 20k
        documents: 8.0 ms against 3.3 ms for a term in a fifth of them). The FTS5 table of
        a language holds only that language's entries, so with no other filter nothing
        else needs the join. Equal bm25 scores are ordered newest first, as in the full
        query: TIE_SLACK rows beyond the page are fetched so that a tie crossing the
        page's edges is settled here (short titles often tie); only a tie group longer
        than that sends the caller (None) to the full query."""
        end = query.offset + query.limit
        cursor.execute(
            f"SELECT rowid, bm25({table}, {TITLE_WEIGHT}, 1.0) AS score FROM {table} "
            f"WHERE {table} MATCH %s ORDER BY score LIMIT %s",
            [match, end + TIE_SLACK],
        )
        rows = cursor.fetchall()
        if len(rows) == end + TIE_SLACK and end > 0 and rows[-1][1] == rows[end - 1][1]:
            return None  # the tie at the page's end may go on past the rows fetched
        if query.offset >= len(rows):
            return []
        # Only rows tied with the page's first or last score can move across its edges.
        edge_scores = {rows[query.offset][1], rows[min(end, len(rows)) - 1][1]}
        first = next(i for i, r in enumerate(rows) if r[1] in edge_scores)
        last = max(i for i, r in enumerate(rows) if r[1] in edge_scores)
        window = rows[first : max(last + 1, min(end, len(rows)))]
        marks = ",".join(["%s"] * len(window))
        cursor.execute(
            f"SELECT page_id, published_at FROM {ENTRY_TABLE} WHERE page_id IN ({marks})",
            [r[0] for r in window],
        )
        published = dict(cursor.fetchall())
        # Sort keys: score ascending (bm25 is negative), then newest first. published_at
        # comes back from SQLite as ISO text, which sorts chronologically.
        window = [r for r in window if r[0] in published]
        window.sort(key=lambda r: (r[1], _Desc(published[r[0]] or ""), _Desc(r[0])))
        ranked = rows[:first] + window
        return [r[0] for r in ranked[query.offset : end]]

    def indexed_ids(self, language):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {fts_table(language)}")
            return {row[0] for row in cursor.fetchall()}

    def clear(self):
        with connection.cursor() as cursor:
            for lang in LANGUAGES:
                cursor.execute(f"DELETE FROM {fts_table(lang)}")
