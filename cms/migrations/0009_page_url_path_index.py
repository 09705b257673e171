"""An index on Wagtail's page tree by url_path.

cms.routing finds every page an address names by their url_paths in one query; without an
index that query reads the whole page table, which grows with every item of the cluster.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0008_listings_collect_subcolumns"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS cms_page_url_path ON wagtailcore_page (url_path)",
            "DROP INDEX IF EXISTS cms_page_url_path",
        )
    ]
