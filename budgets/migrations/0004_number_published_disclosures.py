"""Issue a 索引号 (G01) and fill 成文日期 (G02) for the disclosures published before they
had them: each from its department's sequence for the year it was first published, in
order of publication, as the model does on a first publish (DisclosurePage.save)."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

from cms.snippets import format_index_number


def number_published(apps, schema_editor):
    DisclosurePage = apps.get_model("budgets", "DisclosurePage")
    IndexSequence = apps.get_model("cms", "IndexSequence")
    pages = (
        DisclosurePage.objects.filter(live=True)
        .select_related("organisation")
        .order_by("first_published_at", "pk")
    )
    for page in pages.iterator(chunk_size=200):
        published = timezone.localtime(page.first_published_at or timezone.now())
        changed = []
        if not page.index_number:
            sequence, _ = IndexSequence.objects.get_or_create(
                organisation_id=page.organisation_id, year=published.year
            )
            IndexSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
            sequence.refresh_from_db()
            organisation = page.organisation
            page.index_number = format_index_number(
                organisation.index_pattern,
                code=organisation.credit_code,
                year=published.year,
                seq=sequence.last,
            )
            changed.append("index_number")
        if page.written_at is None:
            page.written_at = published.date()
            changed.append("written_at")
        if changed:
            DisclosurePage.objects.filter(pk=page.pk).update(
                **{name: getattr(page, name) for name in changed}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_disclosure_index_number"),
    ]

    operations = [migrations.RunPython(number_published, migrations.RunPython.noop)]
