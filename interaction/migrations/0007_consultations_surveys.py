"""Schema changes of consultations and surveys (filled in by its work; empty otherwise)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interaction", "0006_letter_statistics")]

    operations = []
