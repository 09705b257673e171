# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""SQL shared by the two database backends: the filters, the facet count, and bulk loading
on PostgreSQL. SQLite joins its FTS5 table to IndexEntry (aliased `e`) and filters there;
PostgreSQL keeps the same filter columns in its own index table (aliased `p`), so the same
clauses apply to either alias."""

from django.db import connection

from .base import split_facets

ENTRY_TABLE = "portal_search_indexentry"


def filter_sql(query, facets=False, alias="e"):
    """WHERE clauses and params on the table aliased `alias` (IndexEntry's filter columns
    and `page_id`). With facets=True the site and type filters are left out (split_facets
    applies them to the grouped counts)."""
    e = alias
    clauses, params = [f"{e}.language = %s"], [query.language]
    if query.site_id is not None and not facets:
        clauses.append(f"{e}.site_id = %s")
        params.append(query.site_id)
    if query.content_type and not facets:
        clauses.append(f"{e}.content_type = %s")
        params.append(query.content_type)
    if query.organisation_id is not None:
        clauses.append(f"{e}.organisation_id = %s")
        params.append(query.organisation_id)
    if query.validity is not None:
        clauses.append(f"{e}.validity = %s")
        params.append(query.validity)
    if query.date_from is not None:
        clauses.append(f"{e}.published_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(query.date_from))
    if query.date_to is not None:
        clauses.append(f"{e}.published_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(query.date_to))
    if query.column_id is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM portal_search_indexentrycolumn c "
            f"WHERE c.entry_id = {e}.page_id AND c.column_id = %s)"
        )
        params.append(query.column_id)
    return " AND ".join(clauses), params


def facet_rows(cursor, from_match_sql, match_params, query, alias="e"):
    """Count and facets of the matches `from_match_sql` selects (it ends in a WHERE
    clause), grouped once by site and type."""
    where, params = filter_sql(query, facets=True, alias=alias)
    cursor.execute(
        f"SELECT {alias}.site_id, {alias}.content_type, COUNT(*) {from_match_sql} AND {where} "
        f"GROUP BY {alias}.site_id, {alias}.content_type",
        match_params + params,
    )
    return split_facets(cursor.fetchall(), query)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value):
    """A value in COPY's text format (a float's str() is the shortest text that reads
    back as the same double)."""
    return "\\N" if value is None else str(value).translate(_COPY_ESCAPES)


# Ids per statement on SQLite (its limit on bound parameters is far higher).
ID_CHUNK = 500


def delete_ids(cursor, table, column, ids):
    """DELETE the rows whose `column` is one of `ids`: one array parameter on PostgreSQL,
    ID_CHUNK ids a statement elsewhere."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        if ids:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])
        return
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk)


def insert_rows(cursor, table, columns, rows):
    """Append rows: COPY on PostgreSQL, one prepared statement over the rows elsewhere."""
    if connection.vendor == "postgresql":
        copy_rows(cursor, table, columns, rows)
    elif rows:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def copy_rows(cursor, table, columns, rows):
    """PostgreSQL: append rows to a table through COPY. Array parameters were most of the
    indexing time: Django binds parameters on the client, and psycopg quotes every element
    of a text array in Python. Rows of plain values (numbers, tokens: no NULL, tab, line
    break or backslash; what the index tables mostly hold) are joined as they are, checked
    afterwards by counting separators; anything else is escaped value by value."""
    if not rows:
        return
    data = "\n".join("\t".join(map(str, row)) for row in rows) + "\n"
    plain = (
        data.count("\t") == len(rows) * (len(columns) - 1)
        and data.count("\n") == len(rows)
        and "\\" not in data
        and "\r" not in data
        and not any(None in row for row in rows)
    )
    if not plain:
        data = "".join("\t".join(map(copy_value, row)) + "\n" for row in rows)
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(data)
