"""An index on Wagtail's page tree by (depth, path).

Children of a page are found by `depth = d AND path LIKE 'prefix%'`; SQLite cannot range-
scan a LIKE on the path index, so every child lookup (site menus, sub-columns, topics)
read the whole page table, which grows with every article of the cluster. With depth
first, such a lookup reads only the pages of that depth.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_column_listing"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS cms_page_depth_path ON wagtailcore_page (depth, path)",
            "DROP INDEX IF EXISTS cms_page_depth_path",
        )
    ]
