"""The query service the search page, the JSON API, the app and WeChat share: analysis,
synonyms, the backend query, highlighted snippets, facets, "您是不是要找", autocomplete by
prefix and pinyin, and hot terms from the aggregated query log (filtered and moderated in
hot_terms.py)."""

import datetime
import difflib
import re
from dataclasses import dataclass
from html import escape

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString
from pypinyin import lazy_pinyin

from . import hot_terms as hot
from .analysis import EN, ZH, analyse, clean_query, normalise, precise_words, query_terms
from .backends import get_backend
from .backends.base import BackendQuery
from .indexing import type_labels
from .lookups import site_names, synonym_groups
from .models import IndexEntry, QueryLog, VocabularyTerm

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
    """Run a search. Never raises for any query text: bad input gives an empty answer."""
    q = clean_query(params.q)
    language = params.language if params.language in (ZH, EN) else ZH
    page_size = max(1, min(int(params.page_size or 10), 50))
    page = max(1, min(int(params.page or 1), MAX_PAGE))
    terms = query_terms(q, language)
    answer = {"query": q, "count": 0, "results": [], "suggestion": None, "facets": {"site": [], "type": []}}
    if terms:
        expanded = list(dict.fromkeys(terms + synonym_terms(q, language)))
        hits = get_backend().search(
            BackendQuery(
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
        )
        entries = _shown_entries(hits.ids)
        names = site_names()
        labels = type_labels(language)
        pattern = _highlighter(_surface_terms(q, expanded), language)
        answer["count"] = hits.total
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
    if answer["count"] < 3:
        answer["suggestion"] = suggest(q, language, fallback=answer["count"] == 0)
    if params.log and page == 1:
        log_query(q, language, answer["count"], client=params.client)
    answer["page"] = page
    answer["page_size"] = page_size
    return answer


def _surface_terms(q, terms):
    """What to mark in the text: the analysed terms and the query's own words (so a
    traditional or full-width query still marks the text as written)."""
    words = [w for w in re.split(r"\s+", q) if len(w) > 1]
    return [t for t in terms + words if t]


def suggest(q, language=ZH, fallback=False):
    """ "您是不是要找": a vocabulary term spelled like the query (same pinyin, a close English
    word), else — with `fallback` and nothing found — the hottest search term."""
    text = normalise(q).replace(" ", "")
    if text:
        if language == ZH:
            found = _pinyin_suggestion(text)
            if found:
                return found
        else:
            found = _english_suggestion(text)
            if found:
                return found
    if fallback:
        hot = hot_terms(language, limit=1)
        if hot and hot[0] != text:
            return hot[0]
    return None


def _vocab(language):
    return VocabularyTerm.objects.filter(language=language, df__gt=0)


def _pinyin_suggestion(text):
    if text.isascii() and text.isalpha():
        # Pinyin typed instead of characters: sangongjingfei → 三公经费.
        match = _vocab(ZH).filter(Q(pinyin=text) | Q(initials=text)).order_by("-df").first()
        return match.term if match else None
    spoken = "".join(lazy_pinyin(text, errors="ignore"))
    if spoken:
        match = _vocab(ZH).filter(pinyin=spoken).exclude(term=text).order_by("-df").first()
        if match:
            return match.term
    # Word by word: replace words the index does not know with a same-sounding one.
    words = precise_words(text)
    known = set(_vocab(ZH).filter(term__in=words).values_list("term", flat=True))
    changed, out = False, []
    for w in words:
        if w in known or len(w) < 2:
            out.append(w)
            continue
        match = _vocab(ZH).filter(pinyin="".join(lazy_pinyin(w, errors="ignore"))).order_by("-df").first()
        if match:
            out.append(match.term)
            changed = True
        else:
            out.append(w)
    return "".join(out) if changed else None


def _english_suggestion(text):
    words = re.findall(r"[a-z]+", text)
    if not words:
        return None
    out, changed = [], False
    for word in words:
        stems = analyse(word, EN)
        if stems and _vocab(EN).filter(term=stems[0]).exists():
            out.append(word)
            continue
        pool = list(
            _vocab(EN).filter(term__startswith=word[0]).order_by("-df").values_list("term", flat=True)[:3000]
        )
        close = difflib.get_close_matches(stems[0] if stems else word, pool, n=1, cutoff=0.75)
        if close:
            out.append(close[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


def autocomplete(prefix, language=ZH, limit=8):
    """Index terms starting with the prefix, or whose pinyin (full or initials) does:
    `sgjf` and `sangong` both give 三公经费 (S04). Most frequent first."""
    text = normalise(clean_query(prefix)).replace(" ", "")[:30]
    if not text:
        return []
    qs = _vocab(language)
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
