"""Settings of a real worker process in the microblog crash tests: the worker settings of
tests/channels/worker_settings.py (the test database, the database task backend, a one-second
lease), with Weibo at the test's stand-in (WEIBO_API_BASE_URL)."""

import os

from tests.channels.worker_settings import *  # noqa: F403

WEIBO_API_BASE_URL = os.environ["WEIBO_API_BASE_URL"]
WEIBO_WEB_BASE_URL = WEIBO_API_BASE_URL
