"""Schema changes of the citizens' side of letters (filled in by its work; empty otherwise)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interaction", "0003_mailboxes")]

    operations = []
