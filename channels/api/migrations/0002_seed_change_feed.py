"""Start the change feed with one event per item live when the API is installed, so a
first sync (no `since`) returns every published item."""

from django.db import migrations


def seed(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    ChangeEvent = apps.get_model("portal_api", "ChangeEvent")
    types = ContentType.objects.filter(app_label="cms", model__in=["articlepage", "topicpage"])
    rows = Page.objects.filter(live=True, content_type__in=types).order_by("path").values_list("pk", "path")
    batch = []
    for pk, path in rows.iterator():
        batch.append(ChangeEvent(page_id=pk, path=path))
        if len(batch) >= 1000:
            ChangeEvent.objects.bulk_create(batch)
            batch = []
    ChangeEvent.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("portal_api", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
