"""Production settings enqueue the outbox's tasks on RQ, against the real Redis on
127.0.0.1:6379 (database 14, or PORTAL_TEST_REDIS_DB: the SQLite and PostgreSQL suites run
side by side in CI with one each; emptied before and after). The settings are loaded in a
child process, as production loads them: django-rq reads its queues at import time."""

import json
import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings

REDIS_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('PORTAL_TEST_REDIS_DB', 14))}"

SCRIPT = """
import json, datetime as dt
import django
django.setup()
import django_rq
from django.utils import timezone
from rq.registry import ScheduledJobRegistry
from channels import outbox
from channels.outbox import deliver

now_result = deliver.enqueue(101)
outbox.enqueue([102], run_after=timezone.now() + dt.timedelta(seconds=60))
outbox.enqueue([103])
queue = django_rq.get_queue("default")
deliveries = django_rq.get_queue("deliveries")
print(json.dumps({
    "backend": type(deliver.get_backend()).__name__,
    "queued": [job.args for job in queue.jobs],
    "deliveries": [job.args for job in deliveries.jobs],
    "scheduled": len(ScheduledJobRegistry(queue=deliveries)),
    "status": str(now_result.status),
}))
"""


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def test_production_settings_enqueue_deliveries_and_deferred_retries_on_redis(redis_db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only",
        "DJANGO_ALLOWED_HOSTS": "*",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",  # never connected
        "REDIS_URL": REDIS_URL,
    }
    out = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    # The outbox's rows go to the deliveries queue, which workers take before "default"
    # (bulk indexing); a deferred retry waits in that queue's scheduler.
    assert report == {
        "backend": "RQBackend",
        "queued": [[101]],
        "deliveries": [[103]],
        "scheduled": 1,
        "status": "READY",
    }
    assert redis_db.dbsize() > 0
