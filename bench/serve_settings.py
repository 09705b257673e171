"""Settings of bench/serve.py, for every process of the run: the benchmark's own (it builds
the site and publishes), `manage.py publish_static`, the gunicorn workers behind nginx and
the `manage.py run_worker` that delivers. The development settings (the database task
backend, as `make serve` uses it) on the benchmark's PostgreSQL database, without DEBUG's
query log, with static publishing on: the published files go into the nginx prefix the
benchmark installs (var/bench_serve/srv/var/published, what /srv/portal/var/published is
in production), and only the web channel delivers."""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import BASE_DIR, LOGGING, STORAGES

DEBUG = False
ALLOWED_HOSTS = ["*"]
# Without DEBUG, WhiteNoise serves only STATIC_ROOT; read the apps' and static/ folders
# instead, once at start-up (no autorefresh), as collected files would be.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Static publishing (channels/web/published.py), into the nginx prefix of the run:
# <prefix>/srv/var/published is where locations.conf's `root /srv/portal/var` + /published/
# points once /srv/portal/ is replaced by <prefix>/srv/.
STATIC_PUBLISHING = True
PUBLISHED_ROOT = BASE_DIR / "var" / "bench_serve" / "srv" / "var" / "published"
STORAGES = {
    **STORAGES,
    "published": {
        "BACKEND": "channels.web.storage.PublishedFileStorage",
        "OPTIONS": {"location": PUBLISHED_ROOT, "base_url": None},
    },
}
# The web channel only: the WAP channel would write a second file per page (twice the
# publish_static time and a second delivery per publish) for pages wrk does not fetch.
CHANNEL_ADAPTERS = {"web": "channels.web.adapter.WebAdapter"}
# TASKS: config.settings.base's database backend, delivered by `manage.py run_worker`.
# No rendered-page cache (channels/web/page_cache.py), as in the development settings, said
# again so the run does not depend on them: "gunicorn alone" measures the rendering path,
# and the cache (LocMem, per process here) could not be retired by this process's publishes.
PAGE_CACHE_SECONDS = 0

LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}
