"""The query service the search page, the JSON API, the app and WeChat share: analysis,
synonyms, the backend query, an 索引号 found first (index_numbers.py), highlighted snippets,
facets, "您是不是要找" (suggestions.py), autocomplete by prefix and pinyin, and hot terms from
the aggregated query log (filtered and moderated in hot_terms.py)."""

import datetime
import re
from dataclasses import dataclass
from html import escape

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString

from . import hot_terms as hot
from . import index_numbers, suggestions
from .analysis import EN, ZH, clean_query, normalise, query_terms
from .backends import get_backend
from .backends.base import BackendQuery, Hits, split_facets
from .indexing import type_labels
from .lookups import site_names, synonym_groups
from .models import IndexEntry, QueryLog
from .suggestions import vocabulary

SNIPPET_LENGTH = 120
HOT_DAYS = hot.HOT_DAYS
# Queries that look like a phone, ID or account number, or an e-mail address, are never
# logged: the log must hold no personal data.
_PERSONAL = re.compile(r"\d{6,}|@")


@dataclass
class SearchParams:
    q: str = ""
    language: str = ZH
    site_id: int | None = None
    content_type: str | None = None
    organisation_id: int | None = None
    validity: str | None = None
    column_id: int | None = None
    date_from: datetime.datetime | None = None
    date_to: datetime.datetime | None = None
    order: str = "relevance"
    page: int = 1
    page_size: int = 10
    log: bool = True
    # Who searched (sites.client_address, or another identifier of the caller's): only
    # counts the query's distinct clients for the hot terms, never stored (hot_terms.py).
    client: str | None = None


def synonym_terms(query, language):
    """Analysed terms of the synonyms of anything in the query (三公 → 三公经费)."""
    text = normalise(query)
    extra = []
    for members in synonym_groups():
        if any(m in text for m in members):
            for member in members:
                extra += query_terms(member, language)
    return extra


@dataclass(frozen=True)
class Highlighter:
    """Finds the query's terms: `raw` in the text as stored (to place a snippet's window),
    `escaped` in the same text once HTML-escaped. There an entity (&amp; …) that does not
    start a term is matched whole and kept, so no term is ever marked inside one."""

    raw: re.Pattern
    escaped: re.Pattern


def _highlighter(terms, language):
    if not terms:
        return None
    terms = sorted(set(terms), key=len, reverse=True)
    suffix = r"\w*" if language == EN else ""

    def alternation(words):
        return "|".join(f"{re.escape(w)}{suffix}" for w in words)

    return Highlighter(
        raw=re.compile(f"(?:{alternation(terms)})", re.IGNORECASE),
        escaped=re.compile(
            f"({alternation(escape(t) for t in terms)})|&[a-z]+;|&#x?[0-9a-f]+;", re.IGNORECASE
        ),
    )


def _mark(match):
    term = match.group(1)
    return f"<mark>{term}</mark>" if term else match.group(0)


def highlight(text, pattern, length=None):
    """Escaped text with <mark> around the matched terms; with `length`, a window of
    that many characters around the first match. The text is escaped once and marked in
    one pass (escaping piece by piece between the marks was a third of a one-term
    search)."""
    text = text or ""
    if length is not None:
        match = pattern.raw.search(text) if pattern else None
        start = max(0, (match.start() if match else 0) - length // 4)
        window = text[start : start + length]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + length < len(text) else ""
        text = prefix + window + suffix
    escaped = escape(text)
    if pattern is None:
        return SafeString(escaped)
    if escaped == text:
        # Nothing was escaped (most text): no entity to step over, so the marks go in
        # through a template, without a Python call per match.
        return SafeString(pattern.raw.sub(r"<mark>\g<0></mark>", text))
    return SafeString(pattern.escaped.sub(_mark, escaped))


@dataclass(frozen=True)
class _Shown:
    """What a result shows of its index entry."""

    page_id: int
    title: str
    url: str
    site_id: int | None
    content_type: str
    published_at: datetime.datetime | None
    text: str


_SHOWN_COLUMNS = ", ".join(_Shown.__dataclass_fields__)


def _shown_entries(ids):
    """{page id: _Shown} for the hits. One plain query: building the same through the ORM
    (in_bulk) took 0.4 ms, more than the FTS5 match of a rare term."""
    if not ids:
        return {}
    table = IndexEntry._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_SHOWN_COLUMNS} FROM {table} WHERE page_id IN ({marks})", list(ids))  # noqa: S608 - column and table names are constants
        rows = cursor.fetchall()
    return {row[0]: _Shown(*row[:5], _aware(row[5]), row[6]) for row in rows}


def _aware(value):
    """A stored datetime as an aware one: SQLite hands back naive UTC (as a datetime or,
    from some builds, as text); PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


# The deepest page of results a search reads.
MAX_PAGE = 1000


def search(params):
    """Run a search. Never raises for any query text: bad input gives an empty answer.

    A search that finds nothing but is spelled like a known term (typed pinyin, a
    same-sounding character) answers with that term's results instead, saying so in
    `results_for`; one that finds something still offers a term sounding exactly like it
    (三工经费 → 三公经费) as `suggestion`."""
    q = clean_query(params.q)
    language = params.language if params.language in (ZH, EN) else ZH
    page_size = max(1, min(int(params.page_size or 10), 50))
    page = max(1, min(int(params.page or 1), MAX_PAGE))
    answer, present = _answer(q, language, params, page, page_size)
    found = answer["count"]
    if found == 0:
        better = suggestions.spelling(q, language)
        if better:
            instead, _present = _answer(better, language, params, page, page_size)
            if instead["count"]:
                answer = {**instead, "query": q, "results_for": better}
            answer["suggestion"] = better
        else:
            answer["suggestion"] = suggestions.suggest(q, language, fallback=True)
    elif found < 3:
        answer["suggestion"] = suggestions.spelling(q, language)
    else:
        answer["suggestion"] = suggestions.homophone(q, present, language)
    if params.log and page == 1:
        log_query(q, language, found, client=params.client)
    answer["page"] = page
    answer["page_size"] = page_size
    return answer


def _answer(q, language, params, page, page_size):
    """(answer, present): one page of results of `q` with count and facets, `suggestion`
    and `results_for` left empty; `present`: the query's terms the index holds (Hits.present,
    None when the backend did not say)."""
    terms = query_terms(q, language)
    answer = {
        "query": q,
        "count": 0,
        # True when `count` and the facets are an estimate (Hits.estimated): 约 N 条.
        "count_estimated": False,
        "results": [],
        "suggestion": None,
        "results_for": None,
        "facets": {"site": [], "type": []},
    }
    exact = index_numbers.exact_entries(q, language, params)
    if not terms and not exact:
        return answer, []
    expanded = list(dict.fromkeys(terms + synonym_terms(q, language)))
    query = BackendQuery(
        language=language,
        terms=expanded,
        site_id=params.site_id,
        content_type=params.content_type,
        organisation_id=params.organisation_id,
        validity=params.validity,
        column_id=params.column_id,
        date_from=params.date_from,
        date_to=params.date_to,
        order="date" if params.order == "date" else "relevance",
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    hits = _with_exact(query, exact) if exact else get_backend().search(query)
    entries = _shown_entries(hits.ids)
    names = site_names()
    labels = type_labels(language)
    pattern = _highlighter(_surface_terms(q, expanded), language)
    answer["count"] = hits.total
    answer["count_estimated"] = hits.estimated
    answer["results"] = [
        {
            "id": e.page_id,
            "title": e.title,
            "title_highlight": highlight(e.title, pattern),
            "url": e.url,
            "site": {"id": e.site_id, "name": names.get(e.site_id, "")},
            "type": e.content_type,
            "type_label": labels.get(e.content_type, e.content_type),
            "published_at": e.published_at.isoformat() if e.published_at else None,
            "highlight": highlight(e.text or e.title, pattern, SNIPPET_LENGTH),
        }
        for e in (entries[i] for i in hits.ids if i in entries)
    ]
    answer["facets"] = {
        "site": [
            {"id": sid, "name": names.get(sid, ""), "count": n}
            for sid, n in sorted(hits.facets["site"].items(), key=lambda kv: -kv[1])
        ],
        "type": [
            {"type": t, "label": labels.get(t, t), "count": n}
            for t, n in sorted(hits.facets["type"].items(), key=lambda kv: -kv[1])
        ],
    }
    return answer, hits.present


def _with_exact(query, exact):
    """Hits of a query that is an 索引号: its entries (index_numbers.exact_entries) first,
    then the ranked matches without them. The backend is asked for everything up to the
    end of the page (what its ranking reads anyway), so no page repeats or skips one; the
    count and facets add the entries that do not contain any of the query's terms."""
    first, end = query.offset, query.offset + query.limit
    query.offset, query.limit = 0, end
    hits = get_backend().search(query) if query.terms else Hits(present=[])
    terms = set(query.terms)
    # split_facets applies the site and type filters the entries were not filtered by.
    extra, extra_facets = split_facets(
        [(e.site_id, e.content_type, 1) for e in exact if not e.tokens & terms], query
    )
    for facet, counts in extra_facets.items():
        for key, n in counts.items():
            hits.facets[facet][key] = hits.facets[facet].get(key, 0) + n
    shown = [
        e.page_id
        for e in exact
        if (query.site_id is None or e.site_id == query.site_id)
        and (not query.content_type or e.content_type == query.content_type)
    ]
    ranked = shown + [pk for pk in hits.ids if pk not in shown]
    return Hits(
        ids=ranked[first:end],
        total=hits.total + extra,
        facets=hits.facets,
        present=hits.present,
        estimated=hits.estimated,
    )


def _surface_terms(q, terms):
    """What to mark in the text: the analysed terms and the query's own words (so a
    traditional or full-width query still marks the text as written)."""
    words = [w for w in re.split(r"\s+", q) if len(w) > 1]
    return [t for t in terms + words if t]


def autocomplete(prefix, language=ZH, limit=8):
    """Index terms starting with the prefix, or whose pinyin (full or initials) does:
    `sgjf` and `sangong` both give 三公经费 (S04). Most frequent first."""
    text = normalise(clean_query(prefix)).replace(" ", "")[:30]
    if not text:
        return []
    qs = vocabulary(language)
    if language == ZH and text.isascii() and text.isalpha():
        qs = qs.filter(Q(pinyin__startswith=text) | Q(initials__startswith=text) | Q(term__startswith=text))
    else:
        qs = qs.filter(term__startswith=text)
    return list(qs.order_by("-df", "term").values_list("term", flat=True)[:limit])


def log_query(q, language, results, client=None):
    """Add one search to the day's aggregate. Only the normalised query text and counts
    are kept; `client` counts once per query and day towards its distinct clients and is
    not stored."""
    text = normalise(q).strip()[:100]
    if not text or _PERSONAL.search(text):
        return
    day = timezone.localdate()
    hit = 1 if results else 0
    new = 1 if hot.first_search_today(day, language, text, client) else 0
    change = {"count": F("count") + 1, "hits": F("hits") + hit, "clients": F("clients") + new}
    rows = QueryLog.objects.filter(day=day, language=language, query=text)
    if rows.update(**change):
        return
    try:
        with transaction.atomic():
            QueryLog.objects.create(day=day, language=language, query=text, count=1, hits=hit, clients=new)
    except IntegrityError:  # created by a concurrent request
        rows.update(**change)


def hot_terms(language=ZH, limit=10, days=HOT_DAYS):
    """The hot search terms every visitor may be offered: searched by enough different
    clients, free of sensitive words or approved, not hidden (hot_terms.py)."""
    return hot.hot_terms(language, limit=limit, days=days)
