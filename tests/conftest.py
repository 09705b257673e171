"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate

from cms.page_events import forget_all
from search.backends import get_backend
from sites.provisioning import remove_placeholder_site


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Wagtail's migrations create a placeholder default site; the cluster has its own,
    so it is removed once, when the test database is created."""
    with django_db_blocker.unblock():
        remove_placeholder_site()


def pytest_configure():
    # WhiteNoise serves STATIC_ROOT and warns on every request when it is missing.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    post_migrate.connect(empty_search_tables, sender=apps.get_app_config("portal_search"))


def empty_search_tables(sender, using, **kwargs):
    """Django's flush (a transactional test's teardown) empties the models' tables and then
    sends post_migrate: the search backend's own tables, written in raw SQL and unknown to
    flush, are emptied with them, so no later module on the worker finds index rows of
    pages that are gone. The database's own backend, whatever a test configured."""
    vendor = connections[using].vendor
    backend = (
        "search.backends.postgres.PostgresBackend"
        if vendor == "postgresql"
        else "search.backends.sqlite.SQLiteBackend"
    )
    get_backend(backend).clear()


@pytest.fixture(autouse=True)
def _database(db):
    """Every test may read the database: even an unsaved page asks it for its locale."""


@pytest.fixture(autouse=True)
def _fresh_process_memos():
    """Each test starts with the per-process memos empty (cms.page_events: present types,
    menus, the app API's list entries), as a new process would. A TestCase's rollback
    takes back rows such a memo was filled from, but not the shared tokens an edit replaced
    in the (non-transactional) cache: the next test would find entries kept under them."""
    forget_all()


#: Test packages whose modules share one expensive package-scoped fixture (tests/demo: the
#: demo cluster, loaded in most of a minute and restored afterwards). pytest tears a package
#: fixture down whenever the next test on the worker is outside the package, so under
#: --dist loadfile, with the package's modules interleaved with others, each worker loaded
#: the demo once per run of demo modules: eight loads per suite, some 15 minutes of the
#: workers' time. Sent to one worker as one unit, the package loads it once.
ONE_UNIT_PACKAGES = ("tests/demo/",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class PackageUnitScheduling(LoadFileScheduling):
        """--dist loadfile, with each of ONE_UNIT_PACKAGES one unit of work."""

        def _split_scope(self, nodeid):
            for package in ONE_UNIT_PACKAGES:
                if nodeid.startswith(package):
                    return package
            return super()._split_scope(nodeid)

    return PackageUnitScheduling(config, log)


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands its figures to the controller, which prints them."""
    from tests.api.test_schema import RUNS

    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["runs"] = list(RUNS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller's side of pytest_sessionfinish: a finished worker's figures."""
    from tests.api.test_schema import RUNS

    RUNS.extend(getattr(node, "workeroutput", {}).get("runs", []))


def pytest_terminal_summary(terminalreporter):
    """Figures some tests measure for the log (the schemathesis run's counts): CI prints
    them after the results."""
    from tests.api.test_schema import RUNS

    for line in RUNS:
        terminalreporter.write_line(line)
