# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""Ranking for the two database backends: posting lists with precomputed BM25 weights
(search/ranking.py) and the index statistics in TermCount.

- Writing: every term of an indexed page becomes a Posting row carrying its impact.
- Statistics: one statement reads N and each query term's document frequency, by site
  and type, from TermCount, and (for a relevance query) the first rows of each term's list.
- Count and facets of a one-term query (with no filter but site and type) are those
  TermCount rows: no match is touched. Otherwise the backend counts its matches itself.
- The page of results: a term's postings are read best first from the rank index. One term:
  the first offset+limit rows are the answer. Several terms (the query's words, their
  search-mode parts and synonyms, any of which may match): the threshold algorithm (Fagin,
  Lotem and Naor) — read each list to a depth, score every page seen exactly (its
  postings for the other terms, by primary key), and stop when the last page of the answer
  scores above what any unseen page could (the sum of each list's last weight read × idf);
  otherwise read four times deeper. The answer is exactly the top of a full scoring, ties
  newest first, without scoring every match. Filters join the backend's filter table while
  the lists are read, so a filtered list is still read best first.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from ..models import Posting, TermCount
from ..ranking import idf, term_impacts
from .base import FILTER_KEYS, Hits, SearchBackend, split_facets
from .sql import ID_CHUNK, delete_ids, insert_rows

POSTING_TABLE = Posting._meta.db_table
# The index SQLite makes for the postings' primary key (page_id, term).
SQLITE_PRIMARY_KEY = f"sqlite_autoindex_{POSTING_TABLE}_1"
RANK_INDEX = next(index for index in Posting._meta.indexes if index.name == "portal_search_rank")
COUNT_TABLE = TermCount._meta.db_table
RANK_ORDER = "i.impact DESC, i.published DESC, i.page_id DESC"
# Pages of each list read first (at least twice the pages asked for), and the factor each
# further round reads deeper by.
FIRST_DEPTH = 40
# See exact_count_limit().
EXACT_COUNT_LIMIT = 10_000
DEPTH_GROWTH = 4


def has_filters(query):
    """Whether the query filters on anything but its language."""
    return bool(query.content_type) or any(
        getattr(query, key) is not None for key in FILTER_KEYS if key != "content_type"
    )


def _seconds(value):
    return int(value.timestamp()) if value else 0


def _write(cursor, entries):
    """Add the postings of these (new or just deleted) entries."""
    rows = []
    for e in entries:
        page_id, language, seconds = e.page_id, e.language, _seconds(e.published_at)
        # build_entry has computed the impacts already (an entry made elsewhere has not).
        weights = getattr(e, "impacts", None) or term_impacts(e.title_tokens, e.body_tokens)
        rows += [(page_id, term, language, impact, seconds) for term, impact in weights.items()]
    insert_rows(cursor, POSTING_TABLE, ("page_id", "term", "language", "impact", "published"), rows)


@dataclass
class Statistics:
    documents: int = 0
    df: dict = field(default_factory=dict)  # term → pages containing it
    rows: dict = field(default_factory=dict)  # term → [(site_id, content_type, pages)]
    pages: list = field(default_factory=list)  # [(site_id, content_type, pages)] of the index

    def present(self, terms):
        """The terms some page contains, in the query's order."""
        return [t for t in terms if self.df.get(t)]

    def idf(self, term):
        return idf(self.documents, self.df[term])


def read(cursor, query, join=None):
    """(Statistics, first reads) in one statement: N and the query terms' document
    frequencies by site and type and, for a relevance query, each term's list read to the
    first depth (`first_depth`), as {term: rows} (rows as `_read_sql` gives them)."""
    terms = list(dict.fromkeys(query.terms))
    keys = ["", *terms]
    marks = ", ".join(["%s"] * len(keys))
    sql = (
        f"SELECT term, site_id, content_type, df, NULL, NULL, NULL FROM {COUNT_TABLE} "
        f"WHERE language = %s AND term IN ({marks}) AND df > 0"
    )
    params = [query.language, *keys]
    if query.order != "date":
        lists_sql, lists_params = _read_sql(query.language, terms, first_depth(query), join)
        sql += f" UNION ALL SELECT term, NULL, NULL, NULL, page_id, impact, published FROM ({lists_sql}) AS l"
        params += lists_params
    cursor.execute(sql, params)
    stats, lists = Statistics(), {}
    for term, site_id, content_type, n, page_id, impact, published in cursor.fetchall():
        if n is None:
            lists.setdefault(term, []).append((term, page_id, impact, published))
        else:
            stats.rows.setdefault(term, []).append((site_id, content_type, n))
            stats.df[term] = stats.df.get(term, 0) + n
    stats.documents = stats.df.pop("", 0)
    stats.pages = stats.rows.pop("", [])
    return stats, lists


def first_depth(query):
    """How deep each list is read first: a page of ten needs a few times ten to settle."""
    return max(FIRST_DEPTH, 2 * (query.offset + query.limit))


def counted(query, stats, terms):
    """(total, facets) of a one-term query from the statistics, or None when only the
    matches can tell: several terms (the pages with any of them) or a filter other than
    site and type."""
    if len(terms) != 1 or any(
        getattr(query, key) is not None for key in FILTER_KEYS if key not in ("site_id", "content_type")
    ):
        return None
    return split_facets(stats.rows[terms[0]], query)


def exact_count_limit():
    """Above this many postings over a several-term query's terms (Σ df), its count and
    facets are estimated instead of counted (settings.SEARCH_EXACT_COUNT_LIMIT)."""
    return getattr(settings, "SEARCH_EXACT_COUNT_LIMIT", EXACT_COUNT_LIMIT)


def estimated(query, stats, terms):
    """(total, facets) of a several-term query whose matches are too many to count
    cheaply (Σ df over its terms above exact_count_limit()), estimated from the
    statistics; None when they must be counted: few enough, or a filter other than site
    and type (which the statistics cannot see).

    The pages of each site and type (group g, N_g pages) containing any of the terms:
    N_g × (1 − Π (1 − df_t,g / N_g)), the terms taken as independent, kept between the
    largest df_t,g (every page of that term matches) and Σ df_t,g (no page has two of
    them). Compound parts are correlated (国有企业 is in every page with it in 国有 and
    企业), so the estimate tends to lie above the true union, never below its largest
    term."""
    if len(terms) < 2 or any(
        getattr(query, key) is not None for key in FILTER_KEYS if key not in ("site_id", "content_type")
    ):
        return None
    if sum(stats.df[t] for t in terms) <= exact_count_limit():
        return None
    by_group = {}
    for t in terms:
        for site_id, ctype, n in stats.rows[t]:
            by_group.setdefault((site_id, ctype), []).append(n)
    sizes = {(site_id, ctype): n for site_id, ctype, n in stats.pages}
    rows = []
    for (site_id, ctype), dfs in by_group.items():
        size = sizes.get((site_id, ctype)) or max(dfs)
        missing = 1.0
        for n in dfs:
            missing *= 1 - min(n, size) / size
        guess = round(size * (1 - missing))
        rows.append((site_id, ctype, min(sum(dfs), max(max(dfs), guess))))
    return split_facets(rows, query)


@dataclass
class Join:
    """The backend's filter table joined to the postings (aliased `i`) while reading."""

    sql: str
    where: str
    params: list


def top(cursor, query, stats, terms, join, lists):
    """Page ids of the answer's page (offset, limit), best first, ties newest first.
    `lists`: the first reads `read` made."""
    end = query.offset + query.limit
    depth = first_depth(query)
    rows = [row for t in terms for row in lists.get(t, ())]
    if len(terms) == 1:
        # SQL does not promise that a union keeps its parts' order: sort again.
        rows = sorted(rows, key=lambda r: (-r[2], -r[3], -r[1]))
        return [row[1] for row in rows[query.offset : end]]
    weight = {t: stats.idf(t) for t in terms}
    while True:
        published, last, taken = {}, {}, dict.fromkeys(terms, 0)
        for term, page_id, impact, seconds in rows:
            published[page_id] = seconds
            last[term] = min(impact, last.get(term, impact))
            taken[term] += 1
        scores = _scores(cursor, list(published), terms, weight)
        ranked = sorted(published, key=lambda p: (-scores[p], -published[p], -p))
        # What a page no list has reached could score at most: a list read to the end
        # (fewer rows than the depth) has no more pages.
        bound = sum(weight[t] * last[t] for t in terms if taken[t] == depth)
        if bound == 0 or (len(ranked) >= end and scores[ranked[end - 1]] > bound):
            return ranked[query.offset : end]
        depth *= DEPTH_GROWTH
        rows = _fetch(cursor, query.language, terms, depth, join)


def _fetch(cursor, language, terms, depth, join):
    cursor.execute(*_read_sql(language, terms, depth, join))
    return cursor.fetchall()


def _read_sql(language, terms, depth, join):
    """One statement reading the first `depth` postings of each term's list (filtered by
    the join): rows of (term, page id, impact, published)."""
    parts, params = [], []
    for term in terms:
        sql = f"SELECT i.term, i.page_id, i.impact, i.published FROM {POSTING_TABLE} i"
        where = "i.language = %s AND i.term = %s"
        params += [language, term]
        if join:
            sql += f" {join.sql}"
            where += f" AND {join.where}"
            params += join.params
        parts.append(f"SELECT * FROM ({sql} WHERE {where} ORDER BY {RANK_ORDER} LIMIT %s) AS w{len(parts)}")
        params.append(depth)
    return " UNION ALL ".join(parts), params


def _scores(cursor, page_ids, terms, weight):
    """{page id: Σ idf × impact over the terms it contains}."""
    impacts = {}
    term_marks = ", ".join(["%s"] * len(terms))
    # SQLite's planner, given the terms, prefers the rank index and reads every posting of
    # the terms (a large part of the index for common ones: 70 ms at 300,000 pages) over
    # the primary key lookups (page, term) that cost the same at any size.
    by_key = f" INDEXED BY {SQLITE_PRIMARY_KEY}" if connection.vendor == "sqlite" else ""
    for start in range(0, len(page_ids), ID_CHUNK):
        chunk = page_ids[start : start + ID_CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"SELECT page_id, term, impact FROM {POSTING_TABLE}{by_key} "
            f"WHERE page_id IN ({marks}) AND term IN ({term_marks})",
            [*chunk, *terms],
        )
        for page_id, term, impact in cursor.fetchall():
            impacts[page_id, term] = impact
    # Summed in the query's term order, so equal pages get equal floats.
    return {p: sum(weight[t] * impacts.get((p, t), 0.0) for t in terms) for p in page_ids}


class PostingsBackend(SearchBackend):
    """A database backend ranking from the posting lists, which it keeps beside its own
    index. Subclasses keep that index — `store` (add pages just removed), `drop` (remove
    pages) and `drop_all` — and find the matches: `count_matches` (total and facets of a
    query the statistics cannot answer), `newest` (a page of matches in date order) and
    `join` (their filter table for the lists)."""

    def index(self, entries):
        entries = list(entries)
        if not entries:
            return
        self.delete([e.page_id for e in entries])
        with connection.cursor() as cursor:
            self.store(cursor, entries)
            _write(cursor, entries)

    def add(self, entries):
        """Append entries of pages not in the index (the bulk rebuild: no delete first)."""
        entries = list(entries)
        if not entries:
            return
        with connection.cursor() as cursor:
            self.store(cursor, entries)
            _write(cursor, entries)

    def begin_bulk(self):
        """Before a bulk load into the emptied index: drop the rank index (built again in
        one sort by `end_bulk`)."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {RANK_INDEX.name}")

    def end_bulk(self):
        """After a bulk load: build the rank index and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {RANK_INDEX.name}")
            cursor.execute(str(RANK_INDEX.create_sql(Posting, connection.schema_editor())))
            cursor.execute(f"ANALYZE {POSTING_TABLE}")
            cursor.execute(f"ANALYZE {COUNT_TABLE}")

    def delete(self, page_ids):
        page_ids = list(page_ids)
        if not page_ids:
            return
        with connection.cursor() as cursor:
            self.drop(cursor, page_ids)
            delete_ids(cursor, POSTING_TABLE, "page_id", page_ids)

    def clear(self):
        with connection.cursor() as cursor:
            self.drop_all(cursor)
            cursor.execute(f"DELETE FROM {POSTING_TABLE}")

    def search(self, query):
        join = self.join(query) if has_filters(query) else None
        with connection.cursor() as cursor:
            stats, lists = read(cursor, query, join)
            terms = stats.present(query.terms)
            if not terms:
                return Hits(present=[])
            guess = None if query.order == "date" else estimated(query, stats, terms)
            total, facets = counted(query, stats, terms) or guess or self.count_matches(cursor, query, terms)
            hits = Hits(total=total, facets=facets, present=terms, estimated=guess is not None)
            # An estimate may lie below the true count: a page past it is still read.
            if (query.offset >= total and not hits.estimated) or query.limit <= 0:
                return hits
            if query.order == "date":
                hits.ids = self.newest(cursor, query, terms)
            else:
                hits.ids = top(cursor, query, stats, terms, join, lists)
            if hits.estimated and len(hits.ids) < query.limit and (hits.ids or query.offset == 0):
                # The answer ended on this page: the count is known exactly now.
                hits.total, hits.estimated = query.offset + len(hits.ids), False
            return hits

    def store(self, cursor, entries):
        raise NotImplementedError

    def drop(self, cursor, page_ids):
        raise NotImplementedError

    def drop_all(self, cursor):
        raise NotImplementedError

    def count_matches(self, cursor, query, terms):
        raise NotImplementedError

    def newest(self, cursor, query, terms):
        raise NotImplementedError

    def join(self, query):
        raise NotImplementedError
