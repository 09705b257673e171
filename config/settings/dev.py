"""Development settings: the embedded demo cluster `make serve` runs."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

DEBUG = True
# A development-only key; production refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = "dev-only-not-secret-portal-cluster"  # noqa: S105
ALLOWED_HOSTS = [".localhost", "127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Demo accounts are created by `manage.py load_demo` only when this is on.
DEMO_ACCOUNTS_ENABLED = True
# `make serve` listens on :8000; the demo sites are registered with that port so absolute
# links between sites of the cluster work in the browser.
DEMO_SITE_PORT = 8000

# No rendered-page cache (channels/web/page_cache.py): the embedded cache is per process, and
# the worker's publishes (scheduled ones) could not retire the web process's pages.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
# Nor remembered sites (sites/resolution.py), for the same reason: an edit in one process
# could not reach the other's memory.
SITE_MEMO = False
API_ENTRY_MEMO = False

# The demo cluster and the HTTP stand-ins (demo/): development and tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo.apps.DemoConfig"]

# The demo's sites are named *.localhost, which the system resolver does not know: the
# monitor connects to 127.0.0.1 and names the site in the Host header (monitoring/fetch.py).
MONITOR_RESOLVE = {"*.localhost": "127.0.0.1"}
