# ruff: noqa: S608 - identifiers in these SQL strings are module constants; every value is a bound parameter.
"""Filter SQL shared by the two database backends: both join their index table to
IndexEntry (aliased `e`) and filter there."""

from django.db import connection

from .base import split_facets

ENTRY_TABLE = "portal_search_indexentry"


def filter_sql(query, facets=False):
    """WHERE clauses and params on `e`. With facets=True the site and type filters are
    left out (split_facets applies them to the grouped counts)."""
    clauses, params = ["e.language = %s"], [query.language]
    if query.site_id is not None and not facets:
        clauses.append("e.site_id = %s")
        params.append(query.site_id)
    if query.content_type and not facets:
        clauses.append("e.content_type = %s")
        params.append(query.content_type)
    if query.organisation_id is not None:
        clauses.append("e.organisation_id = %s")
        params.append(query.organisation_id)
    if query.validity is not None:
        clauses.append("e.validity = %s")
        params.append(query.validity)
    if query.date_from is not None:
        clauses.append("e.published_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(query.date_from))
    if query.date_to is not None:
        clauses.append("e.published_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(query.date_to))
    if query.column_id is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM portal_search_indexentrycolumn c "
            "WHERE c.entry_id = e.page_id AND c.column_id = %s)"
        )
        params.append(query.column_id)
    return " AND ".join(clauses), params


def facet_rows(cursor, from_match_sql, match_params, query):
    where, params = filter_sql(query, facets=True)
    cursor.execute(
        f"SELECT e.site_id, e.content_type, COUNT(*) {from_match_sql} AND {where} "
        "GROUP BY e.site_id, e.content_type",
        match_params + params,
    )
    return split_facets(cursor.fetchall(), query)
