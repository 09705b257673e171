"""The interface every index backend implements, and the query/answer types it speaks."""

from dataclasses import dataclass, field
from datetime import datetime

FILTER_KEYS = ("site_id", "content_type", "organisation_id", "validity", "column_id", "date_from", "date_to")


@dataclass
class BackendQuery:
    """One search as a backend sees it: analysed terms (already expanded by synonyms) and
    filters on IndexEntry fields."""

    language: str
    terms: list
    site_id: int | None = None
    content_type: str | None = None
    organisation_id: int | None = None
    validity: str | None = None
    column_id: int | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    order: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 10


@dataclass
class Hits:
    ids: list = field(default_factory=list)  # page ids, best first
    total: int = 0
    # {"site": {site_id: n}, "type": {content_type: n}}; each facet ignores its own filter
    # so the counts show where else the query has results.
    facets: dict = field(default_factory=lambda: {"site": {}, "type": {}})
    # The query's terms some page of the index contains, where the backend knows it
    # without extra work (the database backends read it with the statistics); None: not
    # known. "您是不是要找" needs no lookup for a query that is itself an index term.
    present: list | None = None
    # Whether `total` and the facets are an estimate (a several-term query matching too
    # many pages to count cheaply, search/backends/postings.py): shown as 约 N 条.
    estimated: bool = False


def split_facets(rows, query):
    """Count and facets from (site_id, content_type, n) rows filtered by everything except
    site and type: one aggregate pass serves all three."""
    total, by_site, by_type = 0, {}, {}
    for site_id, ctype, n in rows:
        site_ok = query.site_id is None or site_id == query.site_id
        type_ok = query.content_type is None or ctype == query.content_type
        if site_ok and type_ok:
            total += n
        if type_ok and site_id is not None:
            by_site[site_id] = by_site.get(site_id, 0) + n
        if site_ok:
            by_type[ctype] = by_type.get(ctype, 0) + n
    return total, {"site": by_site, "type": by_type}


class SearchBackend:
    """Keeps the inverted index of IndexEntry rows and answers BackendQuery."""

    name = "base"

    def index(self, entries):
        """Add or replace these IndexEntry rows in the index."""
        raise NotImplementedError

    def delete(self, page_ids):
        raise NotImplementedError

    def search(self, query):
        """Return Hits for a BackendQuery with at least one term."""
        raise NotImplementedError

    def indexed_ids(self, language):
        """Page ids present in the index of `language` (for the drift check)."""
        raise NotImplementedError

    def clear(self):
        raise NotImplementedError

    def begin_rebuild(self, language):
        """Called before a full reindex of `language`; a backend with aliases builds a new
        index behind them."""

    def end_rebuild(self, language):
        """Called after a full reindex: swap the new index in."""
