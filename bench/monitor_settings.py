"""Settings of bench/monitor.py, for the gunicorn workers that serve the benchmark's site and
for the benchmark's own process that scans it: the development settings (which map
*.localhost to 127.0.0.1 for the monitor) on the benchmark's own PostgreSQL database,
without DEBUG's query log, and with the static files served by WhiteNoise from the
finders, so the pages' images answer without a collectstatic."""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import LOGGING

DEBUG = False
ALLOWED_HOSTS = ["*"]
# Without DEBUG, WhiteNoise serves only STATIC_ROOT; read the apps' and static/ folders
# instead, once at start-up (no autorefresh), as collected files would be.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
# Alerts a scan raises stay in memory (dev prints mail to the console).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# config.settings.dev has it; said again so the benchmark does not depend on that.
MONITOR_RESOLVE = {"*.localhost": "127.0.0.1"}
# The one outside address the pages link to (the national error-report site, in every
# footer) is not asked: the benchmark measures the platform, not the internet.
MONITOR_LINK_SKIP_HOSTS = ["*.gov.cn"]
# The dead links the benchmark plants answer 404: not a warning per request on stderr.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}
