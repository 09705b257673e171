"""Test settings: in-memory cache, immediate tasks, a fast password hasher."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, INSTALLED_APPS

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Static publishing is off in tests unless a test switches it on with a folder of its own.
    "published": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
DEMO_ACCOUNTS_ENABLED = True
# The rendered-page cache would keep pages across tests in the process's memory cache:
# off, except in its own tests (tests/channels/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database is thrown away: its commits need not wait for the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
    # One test database per test run, so runs on one machine never drop each other's.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("PG_TEST_NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}")
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not ":memory:", so tests that publish from several threads at once see one
    # database (an in-memory one is private to its connection).
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_PATH", str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3"))
    }

# The demo cluster and the HTTP stand-ins (demo/): development and tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo.apps.DemoConfig"]
# A page type declared in one file (tests/itemtype): proves the item protocol reaches every
# channel without edits in search/ or channels/.
INSTALLED_APPS += ["tests.itemtype.apps.ItemTypeTestConfig"]

# The monitor's sites are *.localhost served on 127.0.0.1 (monitoring/fetch.py); its
# requests give up sooner than production's, so a planted slow link (4 s) costs a test 3 s,
# not fifteen, while a page of the live server that renders slowly on a machine busy with
# the other suite and workers still answers in time. No test plants a slow homepage.
MONITOR_RESOLVE = {"*.localhost": "127.0.0.1"}
MONITOR_REQUEST_TIMEOUT = 3
MONITOR_PROBE_TIMEOUT = 10
# Fingerprints of published pages (monitoring/fingerprints.py) render each published page
# once more; only the monitor's tests need them (they switch them on).
MONITOR_FINGERPRINTS = False
