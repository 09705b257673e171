"""For tests that commit (transactional database): other threads' connections and other
processes (a real worker) only see committed rows.

A transactional test ends by emptying every table, Wagtail's root page and default locale
included, which later tests (of any module) need. A module that imports `snapshot` and
`baseline` snapshots the database before its tests and loads it back after each."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from wagtail.models import Page


def restore(snapshot):
    # Without post_migrate (content types, permissions): the snapshot has those rows.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(snapshot)
    # The rows came back with their ids; PostgreSQL's sequences must follow them.
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture(scope="module")
def snapshot(django_db_blocker):
    with django_db_blocker.unblock():
        data = connection.creation.serialize_db_to_string()
    yield data
    with django_db_blocker.unblock():
        restore(data)


@pytest.fixture(autouse=True)
def baseline(snapshot, transactional_db):
    if not Page.objects.filter(depth=1).exists():  # emptied by the previous test
        restore(snapshot)
