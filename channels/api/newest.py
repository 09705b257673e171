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
the mark moved on since (a publish, anywhere), with the types present now.
"""

from django.db import connection

from cms.page_events import NEWEST_SQL, EventMemo, last_event, remember

from .items import api_serializers

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


def newest(key_querysets, limit):
    """[(index, key)] of the `limit` newest rows among `key_querysets` (values() querysets
    of `list_moment` and `list_key`, each ordered newest first and cut), newest first;
    `index` is the queryset's position in the list."""
    if not key_querysets:
        return []
    statement, params = _statement(key_querysets, limit)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [(index, key) for index, _, key in cursor.fetchall()]


def newest_with_mark(key_querysets, limit):
    """(the page-event mark, newest(key_querysets, limit)) in one statement."""
    with connection.cursor() as cursor:
        if not key_querysets:
            cursor.execute(NEWEST_SQL)
            return cursor.fetchone()[0], []
        merged, params = _statement(key_querysets, limit)
        cursor.execute(_WITH_MARK.format(newest=NEWEST_SQL, merged=merged), params)
        rows = cursor.fetchall()
    return rows[0][0], [(index, key) for _, index, key in rows if index is not None]


def newest_present(request, root, column, key_queries, limit):
    """(serializers, [(index, key)]): `key_queries(present types)` gives the serializers and
    their key querysets for the types present where the list looks, and the rows are
    newest(those querysets, limit). When this process knows the present types from an
    earlier request, the statement reads the page-event mark too (one round trip); if the
    mark moved on since, the types are looked up again under the new mark and the
    statement runs again."""
    kept_mark, kept = _PRESENT.peek(_present_key(root, column))
    if kept is not None:
        serializers, querysets = key_queries(kept)
        mark, rows = newest_with_mark(querysets, limit)
        remember(request, mark)
        if mark == kept_mark:
            return serializers, rows
    serializers, querysets = key_queries(present_types(request, root, column))
    return serializers, newest(querysets, limit)


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
