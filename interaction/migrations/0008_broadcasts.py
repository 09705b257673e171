"""Schema changes of broadcasts and TV inquiry (filled in by its work; empty otherwise)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interaction", "0007_consultations_surveys")]

    operations = []
