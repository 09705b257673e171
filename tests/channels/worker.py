"""A real background worker for tests: `manage.py run_worker` in its own process, on the
test database, which the test process shares with it by committing (transactional
tests). The test process queues tasks in the database the worker reads."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from .wechat_fixtures import standin  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(self, env, log_path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps it; closed below
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our manage.py
                [sys.executable, str(ROOT / "manage.py"), "run_worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        return self

    def kill(self):
        """SIGKILL: no clean-up, no finally blocks, exactly like a crashed machine."""
        self.process.kill()
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self):
        return Path(self.log_path).read_text(errors="replace")[-3000:]


def wait_for(condition, *, timeout, what, worker):
    """Wait until `condition()` is true, checking every 50 ms; fail, with the worker's log,
    after `timeout` s or as soon as the worker process has exited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}\nworker log:\n{worker.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}\nworker log:\n{worker.log()}")
        time.sleep(0.05)


@pytest.fixture
def worker_env(settings, tmp_path, standin):  # noqa: F811
    """Point this test process and a worker process at the same database, task queue,
    media folder and WeChat stand-in; returns a factory of Workers."""
    from django.core.cache import cache

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = str(Path(name).resolve())
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.channels.worker_settings",
        "PORTAL_TEST_DB_NAME": name,
        "PORTAL_TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
        "WECHAT_API_BASE_URL": settings.WECHAT_API_BASE_URL,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    workers = []

    def make():
        worker = Worker(env, tmp_path / "worker.log")
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()
