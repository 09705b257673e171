# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""PostgreSQL backend: one row per page in its own table, holding a tsvector built directly
from the analysed tokens (so no text-search parser or dictionary is involved: the `simple`
behaviour), a title-only tsvector, and copies of IndexEntry's filter columns, so neither
matching, counting, faceting nor ranking joins the wide IndexEntry rows. GIN indexes find
the matches; ranking is BM25-style, from the index's own document frequencies: ts_rank
alone has no inverse document frequency (measured nDCG@10 0.29 against bm25's 0.43).

Ranking reads every candidate's tsvector, so its cost grows with the number of candidates.
At most SEARCH_RANK_CAP candidates are ranked (docs/search.md, "Very common terms"):

- when a query (with its filters) matches no more pages than the cap, all are ranked;
- otherwise the candidates are the pages that match a rare term of the query (one in no
  more than `cap` pages) or carry a query term in their title, the newest `cap` of them.
  They come first, ranked; every other match follows, newest first (date order).
"""

import math

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from ..analysis import LANGUAGES
from ..models import VocabularyTerm
from .base import Hits, SearchBackend, split_facets
from .sql import filter_sql

TABLE = "portal_search_pgdoc"
VOCABULARY_TABLE = VocabularyTerm._meta.db_table
# ts_rank weights {D, C, B, A}: title tokens carry A, body tokens D: title counts 4×.
WEIGHTS = "{0.25,0.25,0.25,1.0}"
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# Candidates ranked per query at most (see the module docstring); measured at 20,000
# documents, ranking 1,000 candidates costs a few milliseconds.
RANK_CAP = 1000
DOCUMENTS_KEY = "portal_search:pg_documents"
DOCUMENTS_TIMEOUT = 300
DATE_ORDER = "p.published_at DESC NULLS LAST, p.page_id DESC"
COLUMNS = "page_id, language, site_id, content_type, organisation_id, validity, published_at, tsv, title_tsv"
# One statement per batch: every column travels as one array parameter.
UPSERT = (
    f"INSERT INTO {TABLE} ({COLUMNS}) SELECT * FROM unnest("
    "%s::bigint[], %s::varchar[], %s::integer[], %s::varchar[], %s::integer[], %s::varchar[], "
    "%s::timestamptz[], %s::tsvector[], %s::tsvector[]) "
    "ON CONFLICT (page_id) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[1:])
)


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title_tokens, body_tokens):
    """The tsvector text of a page: every token with its positions, title positions weighted
    A. Positions matter: ts_rank counts them as the term's frequency."""
    positions = {}
    pos = 0
    for weight, tokens in (("A", title_tokens.split()), ("", body_tokens.split())):
        for token in tokens:
            if pos < MAX_POSITION:
                pos += 1
            slots = positions.get(token)
            if slots is None:
                positions[token] = [f"{pos}{weight}"]
            elif len(slots) < MAX_POSITIONS_PER_LEXEME:
                slots.append(f"{pos}{weight}")
    return " ".join(f"{_quote(t)}:{','.join(p)}" for t, p in positions.items())


def title_literal(title_tokens):
    """The title's tokens without positions: only used to find title matches."""
    return " ".join(_quote(t) for t in dict.fromkeys(title_tokens.split()))


def tsquery_literal(terms):
    return " | ".join(_quote(t) for t in terms)


def rank_cap():
    return getattr(settings, "SEARCH_RANK_CAP", RANK_CAP)


class PostgresBackend(SearchBackend):
    name = "postgres"

    def index(self, entries):
        entries = list(entries)
        if not entries:
            return
        columns = [[] for _ in range(9)]
        for e in entries:
            row = (
                e.page_id,
                e.language,
                e.site_id,
                e.content_type,
                e.organisation_id,
                e.validity,
                e.published_at,
                tsvector_literal(e.title_tokens, e.body_tokens),
                title_literal(e.title_tokens),
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        with connection.cursor() as cursor:
            cursor.execute(UPSERT, columns)
        self._forget_documents()

    def delete(self, page_ids):
        page_ids = list(page_ids)
        if page_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE page_id = ANY(%s)", [page_ids])
            self._forget_documents()

    def _statistics(self, cursor, language, terms):
        """N and the document frequency of each term. The vocabulary keeps the df of every
        term the indexer counts (one indexed lookup, no tsvector read); the few terms it
        does not count (single characters, numbers) are counted through the GIN index."""
        cursor.execute(
            f"SELECT term, df FROM {VOCABULARY_TABLE} WHERE language = %s AND term = ANY(%s)",
            [language, list(terms)],
        )
        dfs = dict(cursor.fetchall())
        for t in terms:
            if not VocabularyTerm.is_counted(t):
                cursor.execute(
                    f"SELECT COUNT(*) FROM {TABLE} WHERE language = %s AND tsv @@ %s::tsquery",
                    [language, _quote(t)],
                )
                dfs[t] = cursor.fetchone()[0]
        return self._documents(cursor, language), {t: dfs.get(t, 0) for t in terms}

    def _documents(self, cursor, language):
        """The number of pages in a language's index. Counting them was a tenth of a
        search (1.2 ms at 20,000 pages), so the count is cached for a few minutes and
        dropped whenever this process writes the index: idf barely moves meanwhile."""
        key = f"{DOCUMENTS_KEY}:{language}"
        n = cache.get(key)
        if n is None:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE language = %s", [language])
            n = cursor.fetchone()[0]
            cache.set(key, n, DOCUMENTS_TIMEOUT)
        return n

    def _forget_documents(self):
        cache.delete_many([f"{DOCUMENTS_KEY}:{language}" for language in LANGUAGES])

    def search(self, query):
        with transaction.atomic(), connection.cursor() as cursor:
            n, dfs = self._statistics(cursor, query.language, query.terms)
            # From here on a match condition on a tsvector must come from its GIN index:
            # the planner prices `tsv @@ q` as cheap and, for a common term, picks a
            # sequential scan that decompresses every page's tsvector (measured 33 ms
            # against 3 ms for 中国|人民|发展 at 20,000 pages). The setting is restored
            # before leaving, even inside an outer transaction.
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
            )
            previous = cursor.fetchone()[0]
            try:
                return self._search(cursor, query, n, dfs)
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def _search(self, cursor, query, n, dfs):
        terms = [t for t in query.terms if dfs[t]]
        if not terms:
            return Hits()
        full = tsquery_literal(terms)
        where, params = filter_sql(query, alias="p")
        facet_where, facet_params = filter_sql(query, facets=True, alias="p")
        cursor.execute(
            f"SELECT p.site_id, p.content_type, COUNT(*) FROM {TABLE} p "
            f"WHERE p.tsv @@ %s::tsquery AND {facet_where} GROUP BY p.site_id, p.content_type",
            [full, *facet_params],
        )
        total, facets = split_facets(cursor.fetchall(), query)
        hits = Hits(total=total, facets=facets)
        if query.offset >= total or query.limit <= 0:
            return hits
        match = f"FROM {TABLE} p WHERE p.tsv @@ %s::tsquery AND {where}"
        if query.order == "date":
            cursor.execute(
                f"SELECT p.page_id {match} ORDER BY {DATE_ORDER} LIMIT %s OFFSET %s",
                [full, *params, query.limit, query.offset],
            )
            hits.ids = [r[0] for r in cursor.fetchall()]
            return hits

        score_parts, score_params = [], []
        for t in terms:
            idf = math.log(1 + (n - dfs[t] + 0.5) / (dfs[t] + 0.5))
            score_parts.append(f"{idf:.6f} * ts_rank(%s, p.tsv, %s::tsquery, 1)")
            score_params += [WEIGHTS, _quote(t)]
        score = " + ".join(score_parts)
        ranked_order = f"score DESC, {DATE_ORDER}"
        cap = rank_cap()
        if total <= cap:
            cursor.execute(
                f"SELECT p.page_id, {score} AS score {match} ORDER BY {ranked_order} LIMIT %s OFFSET %s",
                [*score_params, full, *params, query.limit, query.offset],
            )
            hits.ids = [r[0] for r in cursor.fetchall()]
            return hits

        # Too many matches to rank them all: rank the likeliest, then the rest by date.
        rare = [t for t in terms if dfs[t] <= cap]
        condition, condition_params = "p.title_tsv @@ %s::tsquery", [full]
        if rare:
            condition = f"(p.tsv @@ %s::tsquery OR {condition})"
            condition_params.insert(0, tsquery_literal(rare))
        cursor.execute(
            f"SELECT p.page_id, {score} AS score FROM {TABLE} p WHERE p.page_id = ANY(ARRAY("
            f"SELECT p.page_id FROM {TABLE} p WHERE {condition} AND {where} ORDER BY {DATE_ORDER} LIMIT %s)) "
            f"ORDER BY {ranked_order}",
            [*score_params, *condition_params, *params, cap],
        )
        ranked = [r[0] for r in cursor.fetchall()]
        end = query.offset + query.limit
        hits.ids = ranked[query.offset : end]
        if end > len(ranked):
            cursor.execute(
                f"SELECT p.page_id {match} AND NOT (p.page_id = ANY(%s)) ORDER BY {DATE_ORDER} LIMIT %s OFFSET %s",
                [
                    full,
                    *params,
                    ranked,
                    end - max(query.offset, len(ranked)),
                    max(0, query.offset - len(ranked)),
                ],
            )
            hits.ids += [r[0] for r in cursor.fetchall()]
        return hits

    def end_rebuild(self, language):
        # Fresh planner statistics after a full reindex.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}, {VOCABULARY_TABLE}")

    def indexed_ids(self, language):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT page_id FROM {TABLE} WHERE language = %s", [language])
            return {row[0] for row in cursor.fetchall()}

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
        self._forget_documents()
