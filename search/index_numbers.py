"""Searching an 索引号 (G01) finds its item first.

An 索引号 such as 11431000006177519X/2014-00123 is cut by the analysis into a credit code,
a year and a serial, each shared with many pages, so ranking alone does not put its item
first. The index keeps each entry's 索引号 (IndexEntry.index_number, upper case, from the
item type's `search_filters()`); a query that looks like one is looked up there exactly, in
one indexed statement, and only then. Every other query costs nothing here.
"""

import re
import unicodedata
from dataclasses import dataclass

from .models import IndexEntry

# Letters, digits and the separators an organisation's pattern may use ({code}/{year}-
# {seq:05d} by default), at least one digit, no longer than the 索引号 column.
_SHAPE = re.compile(r"[0-9A-Z][0-9A-Z/\-_.]{5,63}")
# The most entries one number can name (numbers are unique per item type).
MAX_EXACT = 10


def index_number_of(query):
    """The query as a stored 索引号 would read (full width → half width, upper case), or
    None when it cannot be one."""
    text = unicodedata.normalize("NFKC", query or "").strip().upper()
    if not _SHAPE.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return None
    return text


@dataclass(frozen=True)
class Exact:
    page_id: int
    site_id: int | None
    content_type: str
    tokens: frozenset


def exact_entries(query, language, params):
    """The index entries whose 索引号 is the query, filtered like the search by everything
    but site and type (the facets count those apart: backends.base.split_facets)."""
    number = index_number_of(query)
    if number is None:
        return []
    rows = IndexEntry.objects.filter(index_number=number, language=language)
    if params.organisation_id is not None:
        rows = rows.filter(organisation_id=params.organisation_id)
    if params.validity is not None:
        rows = rows.filter(validity=params.validity)
    if params.date_from is not None:
        rows = rows.filter(published_at__gte=params.date_from)
    if params.date_to is not None:
        rows = rows.filter(published_at__lt=params.date_to)
    if params.column_id is not None:
        rows = rows.filter(columns__column_id=params.column_id)
    fields = ("page_id", "site_id", "content_type", "title_tokens", "body_tokens")
    return [
        Exact(page_id, site_id, ctype, frozenset(f"{title} {body}".split()))
        for page_id, site_id, ctype, title, body in rows.order_by("page_id").values_list(*fields)[:MAX_EXACT]
    ]
