"""The demo cluster as `make serve` builds it (`manage.py load_demo`), loaded once for
every module of this package: loading it takes most of a minute, and it used to be loaded
by four modules of each suite.

The demo is committed (outside any test transaction), so a `TestCase` here works on top of
it and rolls back only its own changes, and the journeys' browser (journeys/) reads it from
a server thread. Uploads go to a folder on disk rather than memory, so the live server
serves the demo's pictures. The database as it was before is loaded back at the end
(tests.channels.transactional.restore), and the search index rebuilt from it."""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings


@pytest.fixture(scope="package", autouse=True)
def demo_cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}},
    )
    # Imported here: `pytest tests/demo` loads this conftest before Django's app registry.
    from wagtail.models import Page, Site

    from search.backends import get_backend as get_search_backend
    from tests.channels.transactional import restore

    media.enable()
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        # The state a fresh database is in: Wagtail's migrations leave a welcome page on a
        # default `localhost` site (the suite removes it once; put it back for the loader,
        # which replaces it).
        placeholder = Page.get_first_root_node().add_child(instance=Page(title="Welcome", slug="home"))
        Site.objects.create(hostname="localhost", root_page=placeholder, is_default_site=True)
        call_command("load_demo", stdout=io.StringIO())
        cache.clear()
        # SQLite: a statement left open on this thread's connection holds a shared lock
        # that would keep a server thread from writing (renditions, sessions).
        connection.close()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            restore(before)
            # The embedded search backend's full-text tables (SQLite FTS5) are no models, so
            # the flush leaves the demo's documents there: empty them, then index again
            # whatever the restored database publishes.
            get_search_backend().clear()
            call_command("search_reindex", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
            cache.clear()
        media.disable()
