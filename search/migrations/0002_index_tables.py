"""The backends' own index tables, which Django models cannot express: an FTS5 table per
language on SQLite, a tsvector table with a GIN index on PostgreSQL."""

from django.db import migrations

LANGUAGES = ("zh", "en")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            for lang in LANGUAGES:
                # Tokens arrive space-joined and contain only letters and digits.
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_fts_{lang} USING fts5("
                    "title, body, tokenize='unicode61 remove_diacritics 0')"
                )
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_fts_{lang}_vocab "
                    f"USING fts5vocab(portal_search_fts_{lang}, 'row')"
                )
        elif vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS portal_search_pgdoc ("
                "page_id bigint PRIMARY KEY, language varchar(8) NOT NULL, tsv tsvector NOT NULL)"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS portal_search_pgdoc_tsv ON portal_search_pgdoc USING gin (tsv)"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS portal_search_pgdoc_lang ON portal_search_pgdoc (language)"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            for lang in LANGUAGES:
                cursor.execute(f"DROP TABLE IF EXISTS portal_search_fts_{lang}_vocab")
                cursor.execute(f"DROP TABLE IF EXISTS portal_search_fts_{lang}")
        elif vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS portal_search_pgdoc")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
