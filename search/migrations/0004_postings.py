"""Posting lists with precomputed BM25 weights and per-site, per-type document frequencies
(search/ranking.py, search/backends/postings.py). PostgreSQL's title-only tsvector, which
only served the old capped ranking, goes. Run `manage.py search_reindex` after upgrading:
the new tables fill as pages are indexed."""

from django.db import migrations, models


def drop_title_tsv(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS portal_search_pgdoc_title")
            cursor.execute("ALTER TABLE portal_search_pgdoc DROP COLUMN IF EXISTS title_tsv")


class Migration(migrations.Migration):

    dependencies = [
        ('portal_search', '0003_narrow_index_tables'),
    ]

    operations = [
        migrations.CreateModel(
            name='TermCount',
            fields=[
                ('pk', models.CompositePrimaryKey('language', 'term', 'site_id', 'content_type', blank=True, editable=False, primary_key=True, serialize=False)),
                ('language', models.CharField(max_length=8)),
                ('term', models.CharField(max_length=64)),
                ('site_id', models.IntegerField()),
                ('content_type', models.CharField(max_length=20)),
                ('df', models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='Posting',
            fields=[
                ('pk', models.CompositePrimaryKey('page_id', 'term', blank=True, editable=False, primary_key=True, serialize=False)),
                ('page_id', models.BigIntegerField()),
                ('term', models.CharField(max_length=64)),
                ('language', models.CharField(max_length=8)),
                ('impact', models.FloatField()),
                ('published', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['language', 'term', '-impact', '-published', '-page_id'], name='portal_search_rank')],
            },
        ),
        migrations.RunPython(drop_title_tsv, migrations.RunPython.noop),
    ]
