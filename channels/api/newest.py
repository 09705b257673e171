"""The newest items across the item types in one statement, for the app API's lists.

Each item type says where its items stand, which filters apply to it and which date it is
listed under (its serializer's `list_keys()`), as a query of (moment, key) pairs after the
cursor, newest first. Run one by one, the eight types' queries cost eight round trips for
every list, most of them answering nothing. Here they run as one UNION ALL, ordered and cut
by the database, and only the types that made the page are read in full.

Most sites of a cluster publish only some of the types (a department's site only
articles), so which types have any live item where a list looks is kept per process under
the page-event mark (`present_types`), and the others are left out of the statement.
Once a process knows which types are present there, a list is one round trip
(`newest_present`): the statement also reads the page-event mark, and runs again only when
the mark moved on since (a publish, anywhere), with the types present now. The statement
is compiled once per list shape, the cursor and dates filled in as slots
(channels.api.slots).
"""

from django.db import connection

from cms.page_events import NEWEST_SQL, EventMemo, last_event, remember

from .items import api_serializers
from .slots import filled

# Each part is a type's own query, compiled by the ORM (its parameters passed separately).
_PART = "SELECT {index} AS kind, part.list_moment, part.list_key FROM ({sql}) part"
_MERGED = "SELECT kind, list_moment, list_key FROM ({parts}) merged ORDER BY list_moment DESC, list_key DESC LIMIT {limit}"


# The page-event mark beside the rows, in every row; the left join keeps it when no row matches.
_WITH_MARK = (
    "SELECT mark.value, page.kind, page.list_key FROM (SELECT ({newest}) AS value) mark"
    " LEFT JOIN ({merged}) page ON 1 = 1 ORDER BY page.list_moment DESC, page.list_key DESC"
)


def _statement(key_querysets, limit):
    parts, params = [], []
    for index, queryset in enumerate(key_querysets):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(_PART.format(index=index, sql=sql))
        params.extend(part_params)
    return _MERGED.format(parts=" UNION ALL ".join(parts), limit=int(limit)), params


class Compiled:
    """A list's statements as compiled for one shape: the serializers of the types in it,
    the merged keys' statement, the same with the page-event mark, and their parameters
    (with slots, channels.api.slots). No types, no statements."""

    def __init__(self, serializers, key_querysets, limit):
        self.serializers = serializers
        if key_querysets:
            self.merged, self.params = _statement(key_querysets, limit)
            self.with_mark = _WITH_MARK.format(newest=NEWEST_SQL, merged=self.merged)
        else:
            self.merged = self.with_mark = None
            self.params = []

    def newest(self, values):
        """[(index, key)] of the newest rows, newest first (`index`: the serializer's
        position in self.serializers), the slots filled from `values`."""
        if self.merged is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(self.merged, filled(self.params, values, connection))
            return [(index, key) for index, _, key in cursor.fetchall()]

    def newest_with_mark(self, values):
        """(the page-event mark, self.newest(values)) in one statement."""
        with connection.cursor() as cursor:
            if self.merged is None:
                cursor.execute(NEWEST_SQL)
                return cursor.fetchone()[0], []
            cursor.execute(self.with_mark, filled(self.params, values, connection))
            rows = cursor.fetchall()
        return rows[0][0], [(index, key) for _, index, key in rows if index is not None]


# A list's statement is the same text for every request of its shape: compiled once per
# shape in each process. Its text depends on the tree only through the shape (the column's
# path is part of it) and the present types, so no page-event mark retires it; a page
# saved in this process empties it with the other memos (forget_all), as does each test.
_COMPILED = EventMemo(size=1024)
_ALWAYS = "compiled"


def _compiled(shape, present, key_queries, limit):
    def compute():
        return Compiled(*key_queries(present), limit)

    return _COMPILED.get(_ALWAYS, (shape, present, limit), compute)


def newest_present(request, root, column, shape, key_queries, values, limit):
    """(serializers, [(index, key)]): `key_queries(present types)` gives the serializers and
    their key querysets (with slots for `values`) for the types present where the list
    looks, and the rows are the `limit` newest among them. `shape` is everything besides
    the present types and `values` that the querysets' SQL depends on: the statement is
    compiled once per shape and present types. When this process knows the present types
    from an earlier request, the statement reads the page-event mark too (one round trip);
    if the mark moved on since, the types are looked up again under the new mark and the
    statement runs again."""
    kept_mark, kept = _PRESENT.peek(_present_key(root, column))
    if kept is not None:
        compiled = _compiled(shape, kept, key_queries, limit)
        mark, rows = compiled.newest_with_mark(values)
        remember(request, mark)
        if mark == kept_mark:
            return compiled.serializers, rows
    compiled = _compiled(shape, present_types(request, root, column), key_queries, limit)
    return compiled.serializers, compiled.newest(values)


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

    return _PRESENT.get(last_event(request), _present_key(root, column), compute)


def _present_key(root, column):
    return (root.path, column.pk if column is not None else None)
