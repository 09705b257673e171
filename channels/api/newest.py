"""The newest items across the item types in one statement, for the app API's lists.

Each item type says where its items stand, which filters apply to it and which date it is
listed under (its serializer's `list_keys()`), as a query of (moment, key) pairs after the
cursor, newest first. Run one by one, the eight types' queries cost eight round trips for
every list, most of them answering nothing. Here they run as one UNION ALL, ordered and cut
by the database, and only the types that made the page are read in full.

Most sites of a cluster publish only some of the types (a department's site only
articles), so which types have any live item where a list looks is kept per process under
the page-event mark (`present_types`), and the others are left out of the statement.
"""

from django.db import connection

from cms.page_events import EventMemo, last_event

from .items import api_serializers

# Each part is a type's own query, compiled by the ORM (its parameters passed separately).
_PART = "SELECT {index} AS kind, part.list_moment, part.list_key FROM ({sql}) part"
_MERGED = "SELECT kind, list_key FROM ({parts}) merged ORDER BY list_moment DESC, list_key DESC LIMIT {limit}"


def newest(key_querysets, limit):
    """[(index, key)] of the `limit` newest rows among `key_querysets` (values() querysets
    of `list_moment` and `list_key`, each ordered newest first and cut), newest first;
    `index` is the queryset's position in the list."""
    if not key_querysets:
        return []
    parts, params = [], []
    for index, queryset in enumerate(key_querysets):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(_PART.format(index=index, sql=sql))
        params.extend(part_params)
    statement = _MERGED.format(parts=" UNION ALL ".join(parts), limit=int(limit))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [(index, key) for index, key in cursor.fetchall()]


_PRESENT = EventMemo()


def present_types(request, root, column):
    """The serializers of the API's item types with any live item where a list of `root`'s
    site, or of `column` (its own items and those syndicated into it), looks: one query per
    type after a page event, none until the next."""

    def compute():
        return frozenset(
            serializer
            for serializer in api_serializers()
            if serializer.placed(serializer.live_items(), root, column)[0].exists()
        )

    key = (root.path, column.pk if column is not None else None)
    return _PRESENT.get(last_event(request), key, compute)
