"""Settings of a real worker process that tests start (tests/channels/worker.py): the test
settings pointed at the test database the test process created (PORTAL_TEST_DB_NAME),
with the database task backend instead of the immediate one, media on disk instead of in
the test process's memory, and WeChat at the test's stand-in.

A killed worker's rows are resumed once their lease runs out: here after a second, with
the clock sweeping twice a second, so a test waits seconds, not minutes."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, STORAGES

DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DB_NAME"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
MEDIA_ROOT = os.environ["PORTAL_TEST_MEDIA_ROOT"]
WECHAT_API_BASE_URL = os.environ["WECHAT_API_BASE_URL"]
CHANNEL_LEASE_SECONDS = 1
SCHEDULED_PUBLISHING_INTERVAL = 0.5
