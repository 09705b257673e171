"""The demo cluster as `make serve` builds it (`manage.py load_demo`), served to a real
browser: the journeys of a citizen and of an editor are walked on it.

The demo is built once for the package's modules and committed (a browser talks to a server thread,
which sees only committed rows); the tests do not ask for a test database of
their own, so nothing is emptied between them. The database as it was before is loaded
back at the end (tests.channels.transactional.restore)."""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from search.backends import get_backend as get_search_backend
from tests import browsers
from tests.channels.transactional import restore

HOSTS = {
    "www": "www.czs.localhost",
    "en": "en.czs.localhost",
    "bhq": "bhq.czs.localhost",
    "zxs": "zxs.czs.localhost",
    "dzzw": "dzzw.czs.localhost",
}


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """{site key: base URL} of the demo cluster on a live server."""
    # Uploads on disk rather than in memory (the test settings), so that the live server
    # serves the demo's pictures (MEDIA_ROOT) and the screenshots show them.
    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}},
    )
    media.enable()
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        call_command("load_demo", stdout=io.StringIO())
        cache.clear()
        # SQLite: a statement left open on this thread's connection holds a shared lock
        # that would keep the server thread from writing (renditions, sessions).
        connection.close()
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    port = server.url.rsplit(":", 1)[1]
    try:
        yield {key: f"http://{host}:{port}" for key, host in HOSTS.items()}
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        with django_db_blocker.unblock():
            restore(before)
            # The embedded search backend's full-text tables (SQLite FTS5) are no models, so
            # the flush leaves the demo's documents there: empty them, then index again
            # whatever the restored database publishes.
            get_search_backend().clear()
            call_command("search_reindex", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
            cache.clear()
        media.disable()


@pytest.fixture(scope="package")
def chromium():
    with browsers.chromium(host_rules=list(HOSTS.values())) as browser:
        yield browser


@pytest.fixture
def db_access(django_db_blocker):
    """Database access for a test's own checks between browser steps (no test database
    of its own: the demo stays as the module built it)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(autouse=True)
def _database():
    """Replaces the suite's autouse `db` (tests/conftest.py): a test transaction on this
    thread would hold SQLite's lock against the server thread's writes, and roll back
    nothing the demo needs."""


@pytest.fixture
def _django_db_helper(django_db_setup):
    """pytest-django's per-test database helper (what the `django_db` mark asks for),
    replaced by nothing: the mark on these modules only makes pytest-django create the
    test database, and the demo stays committed from test to test."""
