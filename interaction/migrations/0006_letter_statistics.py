"""Schema changes of letter statistics (filled in by its work; empty otherwise)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interaction", "0005_letter_handling")]

    operations = []
