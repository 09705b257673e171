"""The advanced search of the search pages (web /search/ and WAP /wap/search/): its filters
— column (栏目), issuing organisation (发布机构), publication dates, validity (有效性) and
item type — read leniently from the query string, the form's choices, and the query
string that carries every filter to the next page.

A value that names nothing (a column that is not a live column, an organisation that does
not exist, a date that is no date, a range that ends before it starts) is ignored and
listed, so the page can say which filters it did not apply: a person never gets an error
page. The app API reads the same parameters strictly (channels/api/search.py: a 400).

Cost: a filter given costs one primary-key lookup to check it; the form's choices are two
indexed queries (the site's columns, the organisations). The search itself filters inside
the backend (docs/search.md, "Ranking").
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import translation

from cms.dates import day_bound
from cms.disclosure import VALIDITY_LABELS
from cms.items import item_types
from cms.pages import ColumnPage
from cms.snippets import Organisation

from .indexing import type_labels
from .language import to_django

# Ids above this are ignored: the databases' integer columns stop here.
MAX_INT = 2**31 - 1
# The filter parameters, in the order of the form.
NAMES = ("column", "organisation", "from", "to", "validity", "type")
VALIDITIES = tuple(str(v) for v in VALIDITY_LABELS)
# Columns deeper than this below the home page are not offered (a site's budget column
# has a sub-column per department); a link may still name them.
COLUMN_DEPTH = 3


def positive_int(value):
    """An id or page number as people type it, or None."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_INT else None


@dataclass
class Filters:
    """The filters of one request: values for SearchParams, their text as given (for the
    form and the links) and the names of those ignored."""

    content_type: str | None = None
    column_id: int | None = None
    organisation_id: int | None = None
    validity: str | None = None
    date_from: object = None
    date_to: object = None
    given: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)

    @property
    def active(self):
        """Whether any filter applies (the form opens its advanced part)."""
        return bool(self.given)


def _exists(model, pk, **conditions):
    return pk is not None and model.objects.filter(pk=pk, **conditions).exists()


def read(get):
    """Filters from a request's GET parameters."""
    filters = Filters()

    def take(name, value, ok):
        text = (get.get(name) or "").strip()
        if not text:
            return None
        if not ok:
            filters.ignored.append(name)
            return None
        filters.given[name] = text
        return value

    text = get.get("type") or ""
    filters.content_type = take("type", text, text in item_types())
    column = positive_int(get.get("column"))
    filters.column_id = take("column", column, _exists(ColumnPage, column, live=True))
    organisation = positive_int(get.get("organisation"))
    filters.organisation_id = take("organisation", organisation, _exists(Organisation, organisation))
    text = get.get("validity") or ""
    filters.validity = take("validity", text, text in VALIDITIES)
    start, end = _day(get.get("from")), _day(get.get("to"), end=True)
    if start and end and start[1] and end[1] and end[1] <= start[1]:
        # A range that ends before it starts finds nothing: say so rather than show 0.
        start = end = (False, None)
    filters.date_from = take("from", start and start[1], start is None or start[0])
    filters.date_to = take("to", end and end[1], end is None or end[0])
    return filters


def _day(value, end=False):
    """(valid, bound) of a YYYY-MM-DD parameter, None when it is absent."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return True, day_bound(text, end=end)
    except ValueError:
        return False, None


def query_string(base, filters, **changes):
    """The query string of the search page with the same query, scope, order and filters,
    with `changes` (None drops a parameter): the page-2 link keeps every filter."""
    values = {**base, **filters.given, **changes}
    return urlencode([(k, v) for k, v in values.items() if v not in (None, "")])


def choices(site, language):
    """The form's choices, labelled in the search's language: the site's columns (indented
    by level), the organisations, the validities and the item types."""
    columns = []
    if site is not None:
        root = site.root_page
        rows = (
            ColumnPage.objects.live()
            .descendant_of(root)
            .filter(depth__lte=root.depth + COLUMN_DEPTH)
            .order_by("path")
            .values_list("pk", "title", "depth")
        )
        # No-break spaces: indentation a screen reader does not read out.
        columns = [(pk, "\u00a0\u00a0" * (depth - root.depth - 1) + title) for pk, title, depth in rows]
    with translation.override(to_django(language)):
        organisations = [(o.pk, o.name) for o in Organisation.objects.order_by("name", "pk")]
        validities = [(value, str(label)) for value, label in VALIDITY_LABELS.items()]
    return {
        "columns": columns,
        "organisations": organisations,
        "validities": validities,
        "types": list(type_labels(language).items()),
    }
