"""Parent columns collect their sub-columns' items, and only live items have listing rows:
relist every article (cms.listing, with this migration's historical models)."""

from django.db import migrations


def relist_all(apps, schema_editor):
    from cms.listing import relist_below

    relist_below(registry=apps)


class Migration(migrations.Migration):
    dependencies = [("cms", "0007_verbose_names_translatable")]

    operations = [migrations.RunPython(relist_all, migrations.RunPython.noop)]
