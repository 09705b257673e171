"""The health endpoint /healthz/ (config/health.py, docs/deploy.md): database, cache and task
queue as JSON, 200 when all pass and 503 when one fails, never another 5xx, no host name or
message in the answer. The queue check follows the TASKS backend: the test settings'
immediate one, the database backend, and RQ on the real Redis at 127.0.0.1:6379 (database
12, or PORTAL_TEST_HEALTH_REDIS_DB; each test uses its own queue name and cache prefix and
removes what it wrote, so the SQLite and PostgreSQL suites may share it side by side)."""

import json
import os
import socket
import subprocess
import sys
import uuid
from functools import partial

import pytest
from django.conf import settings as django_settings
from django.db import connection as default_connection
from django.db.utils import ConnectionHandler, OperationalError
from django_tasks import task

from config.health import CHECKS, HEALTH_PATH, check_database, health_response
from tests.production import run_production

REDIS_HOST = "127.0.0.1"
REDIS_DB = int(os.environ.get("PORTAL_TEST_HEALTH_REDIS_DB", 12))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


@task()
def noop():
    """A task for the queue to hold (no worker runs it here)."""


def closed_port():
    """A port on 127.0.0.1 nothing listens on (bound by the system, then released)."""
    with socket.socket() as sock:
        sock.bind((REDIS_HOST, 0))
        return sock.getsockname()[1]


def rq_settings(settings, port, queue):
    """RQ on Redis at `port` for the task queue `queue`, and Redis as the cache."""
    url = f"redis://{REDIS_HOST}:{port}/{REDIS_DB}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"healthtest-{queue}",
        }
    }
    settings.RQ_QUEUES = {queue: {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}


def answer(response):
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert list(body["checks"]) == ["database", "cache", "queue"]
    for result in body["checks"].values():
        assert isinstance(result["ok"], bool)
        assert isinstance(result["ms"], float) and result["ms"] >= 0
    return body


def test_test_settings_answer_200_with_three_passing_checks(client):
    response = client.get(HEALTH_PATH)
    assert response.status_code == 200
    body = answer(response)
    assert body["status"] == "ok"
    assert all(result["ok"] for result in body["checks"].values())
    assert body["checks"]["queue"]["backend"] == "immediate"
    assert not response.cookies


def test_head_answers_the_status_without_a_body_and_other_methods_are_refused(client):
    response = client.head(HEALTH_PATH)
    assert response.status_code == 200
    assert response.content == b""
    assert response["Cache-Control"] == "no-store"
    assert client.post(HEALTH_PATH).status_code == 405


def test_the_url_is_routed_even_without_the_middleware(client, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "config.health.HealthCheckMiddleware"]
    response = client.get(HEALTH_PATH)
    assert response.status_code == 200
    assert answer(response)["status"] == "ok"


def test_probes_need_no_allowed_host_or_https_and_are_never_throttled(client, settings):
    settings.ALLOWED_HOSTS = ["www.example.gov.cn"]
    settings.SECURE_SSL_REDIRECT = True
    for _ in range(30):
        response = client.get(HEALTH_PATH, HTTP_HOST="10.1.2.3:8000")
        assert response.status_code == 200
        assert not response.cookies
    assert "Set-Cookie" not in response


def test_database_backend_reports_its_ready_tasks(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    noop.enqueue()
    noop.enqueue()
    response = client.get(HEALTH_PATH)
    assert response.status_code == 200
    queue = answer(response)["checks"]["queue"]
    assert queue == {
        "ok": True,
        "ms": queue["ms"],
        "backend": "database",
        "length": 2,
        "queues": {"default": 2},
    }


def test_a_backend_without_a_queue_check_fails_the_queue_check(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = client.get(HEALTH_PATH)
    assert response.status_code == 503
    body = answer(response)
    assert body["status"] == "fail"
    assert body["checks"]["queue"] == {
        "ok": False,
        "ms": body["checks"]["queue"]["ms"],
        "error": "ImproperlyConfigured",
    }
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


@pytest.fixture
def rq_queue_name():
    import redis

    name = f"healthtest-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis(host=REDIS_HOST, db=REDIS_DB)
    try:
        from rq import Queue

        Queue(name, connection=client).delete(delete_jobs=True)
        leftovers = list(client.scan_iter(f"healthtest-{name}:*"))  # cache keys, had a check died
        if leftovers:
            client.delete(*leftovers)
    finally:
        client.close()


def test_rq_on_real_redis_answers_200_and_reports_the_queue_length(client, settings, rq_queue_name):
    rq_settings(settings, 6379, rq_queue_name)
    response = client.get(HEALTH_PATH)
    assert response.status_code == 200, response.content
    queue = answer(response)["checks"]["queue"]
    assert (queue["backend"], queue["length"], queue["queues"]) == ("rq", 0, {rq_queue_name: 0})

    noop.using(queue_name=rq_queue_name).enqueue()
    noop.using(queue_name=rq_queue_name).enqueue()
    response = client.get(HEALTH_PATH)
    assert response.status_code == 200
    body = answer(response)
    assert body["status"] == "ok"
    assert body["checks"]["queue"]["length"] == 2
    assert body["checks"]["queue"]["queues"] == {rq_queue_name: 2}
    assert body["checks"]["cache"]["ok"]


def test_redis_unreachable_answers_503_naming_only_the_exception_class(client, settings, rq_queue_name):
    port = closed_port()
    rq_settings(settings, port, rq_queue_name)
    response = client.get(HEALTH_PATH)
    assert response.status_code == 503
    body = answer(response)
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"]
    for name in ("cache", "queue"):
        assert body["checks"][name] == {
            "ok": False,
            "ms": body["checks"][name]["ms"],
            "error": "ConnectionError",
        }
    text = response.content.decode()
    assert REDIS_HOST not in text and str(port) not in text and "Traceback" not in text


def broken_connection(tmp_path):
    """A connection to a database that cannot be opened: on SQLite a file in a directory
    that does not exist, on PostgreSQL a database that does not exist."""
    if default_connection.vendor == "postgresql":
        config = {**default_connection.settings_dict, "NAME": f"healthz_missing_{uuid.uuid4().hex[:8]}"}
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "missing" / "db.sqlite3")}
    return ConnectionHandler({"default": config})["default"]  # a handler of its own


def test_database_check_fails_on_a_database_that_cannot_be_opened(tmp_path):
    broken = broken_connection(tmp_path)
    try:
        with pytest.raises(OperationalError):
            check_database(broken)
        response = health_response({**CHECKS, "database": partial(check_database, broken)})
    finally:
        broken.close()
    assert response.status_code == 503
    body = answer(response)
    assert body["checks"]["database"] == {
        "ok": False,
        "ms": body["checks"]["database"]["ms"],
        "error": "OperationalError",
    }
    assert body["checks"]["cache"]["ok"] and body["checks"]["queue"]["ok"]
    assert "missing" not in response.content.decode()


# GET /healthz/ through the whole middleware stack, by address, in a fresh interpreter.
FRESH_PROCESS_PROBE = (
    "import django, json; django.setup()\n"
    "from django.test import Client\n"
    "r = Client(raise_request_exception=False).get('/healthz/', HTTP_HOST='10.1.2.3')\n"
    "print(json.dumps({'status': r.status_code, 'body': r.content.decode()}))\n"
)


def probe_report(out):
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_database_down_answers_503_through_the_whole_stack(tmp_path):
    """The site lookup of the middleware needs the database: the probe is answered before it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if default_connection.vendor == "postgresql":
        env["DATABASE_URL"] = f"{PG_SERVER}/healthz_missing_{uuid.uuid4().hex[:8]}"
    else:
        env["SQLITE_PATH"] = str(tmp_path / "missing" / "db.sqlite3")
    out = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, "-c", FRESH_PROCESS_PROBE],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = probe_report(out)
    assert report["status"] == 503
    body = json.loads(report["body"])
    assert body["status"] == "fail"
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["cache"]["ok"]


def test_production_settings_answer_200_on_postgresql_and_redis():
    """Production's stack (PostgreSQL, Redis cache, RQ): a probe by address over plain HTTP,
    neither an allowed host nor HTTPS, gets its 200."""
    out = run_production(
        FRESH_PROCESS_PROBE,
        DATABASE_URL=f"{PG_SERVER}/postgres",
        REDIS_URL=f"redis://{REDIS_HOST}:6379/{REDIS_DB}",
    )
    report = probe_report(out)
    assert report["status"] == 200, report
    body = json.loads(report["body"])
    assert body["status"] == "ok"
    assert body["checks"]["queue"]["backend"] == "rq"
    assert isinstance(body["checks"]["queue"]["length"], int)
    assert "10.1.2.3" not in report["body"] and REDIS_HOST not in report["body"]
