"""Fault drills: the outbox on the distributed stack (PostgreSQL, Redis, RQ workers, the
clock) while its parts fail in the middle of publishing, and whether any delivery is lost
or made twice.

    .venv/bin/python bench/drills.py [--items 12] [--workers 2] [--drain-timeout 240]

The drills get a stack of their own, so they never disturb the machine's servers: a
PostgreSQL cluster made with initdb and a redis-server, both on free ports of 127.0.0.1
with their files under var/drills/. Against them run, as deploy/systemd runs them,
`--workers` RQ workers (`manage.py rqworker --job-class django_tasks_rq.Job
--with-scheduler deliveries default`) and the clock (`manage.py run_clock`), supervised the way
systemd's Restart= does (a process that exits is started again after a second). The
settings (var/drills/drill_settings.py) are the development settings with RQ on that Redis,
static publishing on (files under var/drills/published), the web channel and WeChat (its
API stand-in demo/wechat_standin.py in a process of its own, which records every call: a
WeChat post is the delivery that must never be made twice), a 20-second lease and a
5-second sweep grace, so an abandoned delivery is taken up again within the drill.

Each drill publishes `--items` articles one after another from this process and, while
their deliveries run (once one of them is "running"), breaks something:

  workers killed   SIGKILL to every worker while a delivery is running (the supervisor
                   restarts them; the cut-off row waits for its lease);
  Redis restarted  redis-server shut down without saving (its queue is lost) and started
                   again; workers that die with it are restarted;
  PostgreSQL restarted   pg_ctl restart -m fast (every connection cut) mid-publish.

then waits until every delivery row is final and counts, per item: delivered on every
channel (lost: not delivered), WeChat draft/add and freepublish/submit calls for its title
(duplicated: more than one), and its published file holding its title. It prints one line
per drill: the rows running when the fault hit, and the seconds from the fault until every
row was final (the drain). Nothing is asserted about
time; the exit status is 1 if any delivery was lost or duplicated.
(Pages served while gunicorn is stopped: deploy/rehearse.sh, step 10.)
"""

import argparse
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

import _bootstrap
from publish import PurgeRecorder, setup_cluster

ROOT = _bootstrap.ROOT
WORK = _bootstrap.VAR / "drills"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CHANNELS = ["web", "wechat"]


def as_postgres(argv):
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Postgres:
    """A PostgreSQL cluster of the drills' own (initdb), restartable at will."""

    def __init__(self, folder):
        self.data = folder / "pg"
        self.port = _bootstrap.free_port()
        self.log = folder / "postgres.log"
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        subprocess.run(  # noqa: S603 - the distribution's initdb
            as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        self.ctl("start")

    def ctl(self, action, *extra):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        subprocess.run(  # noqa: S603 - the distribution's pg_ctl
            as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                    "-w",
                    *extra,
                    action,
                ]
            ),
            check=True,
            capture_output=True,
        )

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def restart(self):
        self.ctl("restart", "-m", "fast")

    def stop(self):
        self.ctl("stop", "-m", "immediate")


class Redis:
    """A redis-server of the drills' own, without persistence (a restart loses the queue)."""

    def __init__(self, folder):
        self.folder = folder
        self.port = _bootstrap.free_port()
        self.start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the distribution's redis-server
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def restart(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)  # noqa: S603, S607
        self.process.wait(timeout=10)
        self.start()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Supervised:
    """A command kept running as systemd's Restart= keeps a unit running."""

    def __init__(self, name, argv, env, log):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.process = None
        self.restarts = 0
        self.stopping = threading.Event()
        self.start()
        threading.Thread(target=self.watch, daemon=True).start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            self.argv, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def watch(self):
        while not self.stopping.is_set():
            if self.process.poll() is not None:
                time.sleep(1)  # RestartSec
                if not self.stopping.is_set():
                    self.restarts += 1
                    self.start()
            time.sleep(0.1)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)

    def stop(self):
        self.stopping.set()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def serve_standins(conn):
    """The PURGE recorder and the WeChat stand-in in a process of their own (as the cache and
    WeChat are); sends their addresses, then what WeChat received each time it is asked."""
    from demo.wechat_standin import WeChatStandin

    purger = PurgeRecorder()
    threading.Thread(target=purger.serve_forever, daemon=True).start()
    standin = WeChatStandin(polls_before_done=1).start()
    conn.send((purger.server_port, standin.base_url))
    while conn.recv() == "report":
        titles = [a["title"] for r in standin.successful("draft/add") for a in r["json"]["articles"]]
        conn.send({"draft_titles": titles, "submits": len(standin.successful("freepublish/submit"))})
    standin.stop()


def write_settings(folder, redis_url, purge_port, wechat_url):
    (folder / "drill_settings.py").write_text(
        textwrap.dedent(f"""\
            from config.settings.dev import *  # noqa: F403

            DEBUG = False
            CACHES = {{"default": {{"BACKEND": "config.redis_cache.RedisCache", "LOCATION": {redis_url!r}}}}}
            RQ_QUEUES = {{"deliveries": {{"URL": {redis_url!r}}}, "default": {{"URL": {redis_url!r}}}}}
            TASKS = {{"default": {{"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["deliveries", "default"]}}}}
            INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]  # noqa: F405
            STATIC_PUBLISHING = True
            STORAGES = {{**STORAGES, "published": {{"BACKEND": "channels.web.storage.PublishedFileStorage", "OPTIONS": {{"location": {str(folder / "published")!r}}}}}}}  # noqa: F405
            WAGTAILFRONTENDCACHE = {{"default": {{"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": "http://127.0.0.1:{purge_port}"}}}}
            CHANNEL_ADAPTERS = {{"web": "channels.web.adapter.WebAdapter", "wechat": "channels.wechat.adapter.WeChatAdapter"}}
            WECHAT_API_BASE_URL = {wechat_url!r}
            CHANNEL_LEASE_SECONDS = 20
            CHANNEL_SWEEP_GRACE_SECONDS = 5
            CHANNEL_RETRY_BASE_SECONDS = 2
            CHANNEL_RETRY_MAX_SECONDS = 10
            SCHEDULED_PUBLISHING_INTERVAL = 2
            PERIODIC_TASKS = ["channels.outbox.sweep_deliveries"]
            MONITOR_FINGERPRINTS = False
            """)
    )


def publish(column, fields, label, count, fault, at):
    """Publish `count` articles; call `fault()` once the `at`-th has been published and its
    deliveries are under way. Returns the page ids and the moment the fault ended."""
    from channels.models import Delivery
    from tests.factories import make_article

    ids, fault_done, running = [], None, 0
    for n in range(count):
        for _attempt in range(60):
            try:
                ids.append(make_article(column, title=f"演练{label}第{n + 1}期", **fields).pk)
                break
            except Exception:  # the database or Redis is down this very moment: try again, as an editor would
                from django.db import close_old_connections

                close_old_connections()
                time.sleep(0.5)
        if n + 1 == at:
            deadline = time.monotonic() + 30
            while (
                not Delivery.objects.filter(page_id__in=ids, status="running").exists()
                and time.monotonic() < deadline
            ):
                time.sleep(0.01)
            running = Delivery.objects.filter(page_id__in=ids, status="running").count()
            fault()
            fault_done = time.monotonic()
    return ids, fault_done, running


def check(ids, recorded, published_root):
    from channels.models import Delivery
    from cms.models import ArticlePage

    rows = Delivery.objects.filter(page_id__in=ids, channel__in=CHANNELS)
    delivered = Counter(rows.filter(status="delivered").values_list("channel", flat=True))
    titles = dict(ArticlePage.objects.filter(pk__in=ids).values_list("pk", "title"))
    drafts = Counter(recorded["draft_titles"])
    wechat_twice = sum(drafts[t] > 1 for t in titles.values())
    files = 0
    for page in ArticlePage.objects.filter(pk__in=ids):
        path = Path(
            published_root,
            "www.bench.localhost",
            *[p for p in page.url_path.split("/")[2:] if p],
            "index.html",
        )
        files += path.exists() and page.title in path.read_text(encoding="utf-8")
    lost = sum(len(ids) - delivered[c] for c in CHANNELS)
    return {
        "delivered": {c: delivered[c] for c in CHANNELS},
        "lost": lost,
        "wechat_posts": sum(drafts[t] for t in titles.values()),
        "duplicated": wechat_twice,
        "files": files,
        "not_final": rows.exclude(status__in=_bootstrap.FINAL).count(),
        "failed": list(rows.exclude(status="delivered").values_list("channel", "status", "last_error")[:3]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=240)
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    postgres = Postgres(WORK)
    redis_server = Redis(WORK)
    parent, child = multiprocessing.Pipe()
    standins = multiprocessing.Process(target=serve_standins, args=(child,), daemon=True)
    standins.start()
    purge_port, wechat_url = parent.recv()
    write_settings(WORK, redis_server.url, purge_port, wechat_url)
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "DJANGO_SETTINGS_MODULE": "drill_settings",
        "PYTHONPATH": f"{WORK}{os.pathsep}{ROOT}",
    }
    os.environ.update(env)
    sys.path.insert(0, str(WORK))
    processes = []
    log = open(WORK / "processes.log", "ab")  # noqa: SIM115 - open for the whole run
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        _bootstrap.setup_django("drill_settings")
        column, fields = setup_cluster(CHANNELS)
        manage = [sys.executable, "manage.py"]
        workers = [
            Supervised(
                f"worker-{i}",
                [
                    *manage,
                    "rqworker",
                    "--job-class",
                    "django_tasks_rq.Job",
                    "--with-scheduler",
                    "deliveries",
                    "default",
                ],
                env,
                log,
            )
            for i in range(1, args.workers + 1)
        ]
        clock = Supervised("clock", [*manage, "run_clock"], env, log)
        processes = [*workers, clock]
        time.sleep(3)

        def kill_the_workers():
            # Every worker, so the delivery under way is surely cut off (its row stays
            # "running" until its lease runs out and the clock's sweep hands it on).
            for worker in workers:
                worker.kill()

        drills = [
            ("workers killed", kill_the_workers),
            ("Redis restarted", redis_server.restart),
            ("PostgreSQL restarted", postgres.restart),
        ]
        from django.db import close_old_connections

        from channels.models import Delivery

        all_ids, bad = [], False
        print(
            f"{'drill':<22} {'items':>5} {'web':>4} {'wechat':>6} {'lost':>4} {'dup':>4} {'posts':>5} {'files':>5} {'drain s':>7}"
        )
        for label, fault in drills:
            ids, fault_done, running = publish(
                column, fields, label, args.items, fault, at=max(1, args.items // 3)
            )
            close_old_connections()
            drained = _bootstrap.wait_final(Delivery.objects.filter(page_id__in=ids), args.drain_timeout)
            drain = time.monotonic() - fault_done
            all_ids += ids
            parent.send("report")
            recorded = parent.recv()
            result = check(ids, recorded, WORK / "published")
            bad |= bool(result["lost"] or result["duplicated"] or not drained)
            print(
                f"{label:<22} {len(ids):>5} {result['delivered']['web']:>4} {result['delivered']['wechat']:>6}"
                f" {result['lost']:>4} {result['duplicated']:>4} {result['wechat_posts']:>5} {result['files']:>5}"
                f" {drain:>7.1f} {running:>16}"
                + ("" if drained else f"  NOT DRAINED ({result['not_final']} rows)")
            )
            if result["failed"]:
                print(f"    not delivered, e.g. {result['failed']}")
        restarts = ", ".join(f"{p.name} {p.restarts}" for p in processes)
        print(f"restarts by the supervisor: {restarts}")
        print("RESULT: " + ("deliveries lost or duplicated" if bad else "0 lost, 0 duplicated"))
        return 1 if bad else 0
    finally:
        for process in processes:
            process.stop()
        parent.send("stop")
        standins.join(timeout=10)
        redis_server.stop()
        postgres.stop()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
