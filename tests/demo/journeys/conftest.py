"""The demo cluster (loaded and committed once for tests/demo by its conftest) served to a
real browser: the journeys of a citizen and of an editor are walked on it. The tests do
not ask for a test database of their own, so nothing is emptied between them."""

import pytest
from pytest_django.live_server_helper import LiveServer

from tests import browsers

HOSTS = {
    "www": "www.czs.localhost",
    "en": "en.czs.localhost",
    "bhq": "bhq.czs.localhost",
    "zxs": "zxs.czs.localhost",
    "dzzw": "dzzw.czs.localhost",
}


@pytest.fixture(scope="package")
def demo(demo_cluster):
    """{site key: base URL} of the demo cluster on a live server."""
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    port = server.url.rsplit(":", 1)[1]
    try:
        yield {key: f"http://{host}:{port}" for key, host in HOSTS.items()}
    finally:
        server._live_server_modified_settings.disable()
        server.stop()


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
