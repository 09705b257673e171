"""Settings of bench/dynamic.py's gunicorn workers and builder: the development settings on
the benchmark's PostgreSQL database, without DEBUG, with the cache on Redis (database 12)
as production has it (and so the remembered sites of sites/resolution.py), Wagtail's bare
page type (bench/vanilla) installed, the API's anonymous limit lifted (one load generator
is one client) and static files from the finders."""

import os

from config.settings.dev import *  # noqa: F403
from config.settings.dev import INSTALLED_APPS, REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.vanilla"]
CACHES = {
    "default": {
        "BACKEND": "config.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/12",
    }
}
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# Remembered sites (sites/resolution.py) as production has them; SITE_MEMO=0 measures without.
SITE_MEMO = os.environ.get("SITE_MEMO", "1") == "1"
# And the app API's remembered list entries (channels/api/entries.py); API_ENTRY_MEMO=0 without.
API_ENTRY_MEMO = os.environ.get("API_ENTRY_MEMO", "1") == "1"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "portal_api_anon": None},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
