"""Schema changes of letter handling and deadlines (filled in by its work; empty otherwise)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interaction", "0004_letter_citizen")]

    operations = []
