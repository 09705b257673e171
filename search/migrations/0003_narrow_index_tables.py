"""Indexes that keep search from reading the wide IndexEntry rows (they hold up to 20,000
characters of text each).

PostgreSQL: the backend's table gets copies of IndexEntry's filter columns and a title-only
tsvector with its own GIN index, so counting, faceting and ranking never join IndexEntry;
`toast_tuple_target` moves the big tsvectors out of line, so the rows the GIN bitmap visits
stay small. SQLite: a covering index on IndexEntry for the columns the FTS5 join reads
(facets, filters, tie order), so a match costs an index lookup, not a table row."""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE portal_search_pgdoc "
    "ADD COLUMN IF NOT EXISTS site_id integer, "
    "ADD COLUMN IF NOT EXISTS content_type varchar(20) NOT NULL DEFAULT '', "
    "ADD COLUMN IF NOT EXISTS organisation_id integer, "
    "ADD COLUMN IF NOT EXISTS validity varchar(10) NOT NULL DEFAULT '', "
    "ADD COLUMN IF NOT EXISTS published_at timestamp with time zone, "
    "ADD COLUMN IF NOT EXISTS title_tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "UPDATE portal_search_pgdoc p SET site_id = e.site_id, content_type = e.content_type, "
    "organisation_id = e.organisation_id, validity = e.validity, published_at = e.published_at, "
    "title_tsv = array_to_tsvector(array_remove(string_to_array(e.title_tokens, ' '), '')) "
    "FROM portal_search_indexentry e WHERE e.page_id = p.page_id",
    "CREATE INDEX IF NOT EXISTS portal_search_pgdoc_title ON portal_search_pgdoc USING gin (title_tsv)",
    "ALTER TABLE portal_search_pgdoc SET (toast_tuple_target = 256)",
]
PG_BACKWARD = [
    "ALTER TABLE portal_search_pgdoc RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS portal_search_pgdoc_title",
    "ALTER TABLE portal_search_pgdoc DROP COLUMN IF EXISTS site_id, DROP COLUMN IF EXISTS content_type, "
    "DROP COLUMN IF EXISTS organisation_id, DROP COLUMN IF EXISTS validity, "
    "DROP COLUMN IF EXISTS published_at, DROP COLUMN IF EXISTS title_tsv",
]
SQLITE_FORWARD = [
    "CREATE INDEX IF NOT EXISTS portal_search_entry_cover ON portal_search_indexentry "
    "(page_id, language, site_id, content_type, published_at)"
]
SQLITE_BACKWARD = ["DROP INDEX IF EXISTS portal_search_entry_cover"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            for sql in statements.get(vendor, []):
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0002_index_tables")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
