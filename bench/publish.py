"""Outbox benchmark: time from publish to "delivered" on every channel, with one worker.

Migrates a fresh database (a SQLite file under var/, or with --pg the PostgreSQL database
`bench_publish` on BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432, dropped and
created again). Points Wagtail's frontend cache (the web and WAP channels purge through
it) at a PURGE-recording server on 127.0.0.1 and WeChat at its API stand-in
(demo/wechat_standin.py, which answers "publishing" once per job before "done").
Both servers run in a process of their own, as the cache and WeChat would. Starts ONE
worker, the real `manage.py run_worker` in its own process (what `make serve` runs:
django-tasks-db, polling every second when idle), then measures two runs:

- single: --single items, each published alone (the next once the last is delivered);
- burst:  --burst items published at once (one after another, as fast as possible).

For each run and channel it prints p50/p95/max of publish → delivered and the ratio to
the web channel's p95 in the same run (the baseline: a cache purge, the cheapest
delivery), and checks that every item was delivered exactly once (purges per address,
draft/add and freepublish/submit per item on the stand-in).

    .venv/bin/python bench/publish.py                    # web, wap, wechat on SQLite
    .venv/bin/python bench/publish.py --pg
    .venv/bin/python bench/publish.py --channels web --burst 300 --single 0
    .venv/bin/python bench/publish.py --channels web,wap --static --single 5 --burst 100

With --static, static publishing is on (files in a temporary folder) and each run also
prints how often the home page and the column's first page were written: once per item
when items come one at a time, far fewer times in a burst (channels/web/coverage.py).
"""

import argparse
import io
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import _bootstrap

ROOT = _bootstrap.ROOT

TARGET_P95 = 2.0


class PurgeRecorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), self.Handler)
        self.paths = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            self.server.paths[self.path] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass


def serve_standins(conn):
    """The PURGE recorder and the WeChat stand-in, in their own process (as the cache and
    WeChat are: not competing with the publishing process for its interpreter). Sends
    their addresses, then, when asked, what they recorded."""
    from demo.wechat_standin import WeChatStandin

    purger = PurgeRecorder()
    threading.Thread(target=purger.serve_forever, daemon=True).start()
    standin = WeChatStandin(polls_before_done=1).start()
    conn.send((purger.server_port, standin.base_url))
    conn.recv()
    conn.send(
        {
            "purges": dict(purger.paths),
            "draft_titles": [
                a["title"] for r in standin.successful("draft/add") for a in r["json"]["articles"]
            ],
            "submits": len(standin.successful("freepublish/submit")),
            "checks": len(standin.calls("freepublish/get")),
        }
    )
    conn.recv()
    standin.stop()


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def write_settings(folder, purge_port, wechat_url, channels, static=False):
    """The settings both processes (this one and the worker) run with (with static
    publishing into `folder`/published when `static`)."""
    adapters = {
        "web": "channels.web.adapter.WebAdapter",
        "wap": "channels.wap.adapter.WapAdapter",
        "wechat": "channels.wechat.adapter.WeChatAdapter",
    }
    Path(folder, "bench_publish_settings.py").write_text(
        textwrap.dedent(f"""\
            from config.settings.dev import *  # noqa: F403

            DEBUG = False  # no query log growing in memory
            WAGTAILFRONTENDCACHE = {{
                "default": {{
                    "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                    "LOCATION": "http://127.0.0.1:{purge_port}",
                }}
            }}
            CHANNEL_ADAPTERS = { ({c: adapters[c] for c in channels})!r}
            WECHAT_API_BASE_URL = {wechat_url!r}
            STATIC_PUBLISHING = {static!r}
            PUBLISHED_ROOT = {str(Path(folder, "published"))!r}
            STORAGES = {{**STORAGES, "published": {{**STORAGES["published"], "OPTIONS": {{"location": PUBLISHED_ROOT}}}}}}
            """)
    )


def setup_cluster(channels):
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from channels.wechat.models import WeChatAccount
    from sites.provisioning import remove_placeholder_site
    from tests.factories import make_column, make_site

    remove_placeholder_site()
    site = make_site("www.bench.localhost", "基准测试市人民政府")
    column = make_column(site.home, title="工作动态", slug="gzdt", channels=channels)
    fields = {}
    if "wechat" in channels:
        account = WeChatAccount.for_site(site.site)
        account.appid = "wxbench0001"
        account.name = "基准测试发布"
        account.enabled = True
        account.set_secrets(secret="s3cret", token="tok", aes_key="k" * 43)  # noqa: S106 - stand-in
        account.save()
        buf = io.BytesIO()
        PILImage.new("RGB", (940, 400), (30, 90, 160)).save(buf, "JPEG")
        fields["cover_image"] = get_image_model().objects.create(
            title="封面", file=ImageFile(buf, name="cover.jpg")
        )
        fields["summary"] = "基准测试摘要"
    return column, fields


def start_worker(env, log):
    """`manage.py run_worker` in its own process; returns once it has run a task (the
    clock's periodic tasks, enqueued at its start)."""
    from django_tasks_db.models import DBTaskResult

    done_before = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "run_worker", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while DBTaskResult.objects.filter(status="SUCCESSFUL").count() <= done_before:
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the worker did not start")
        time.sleep(0.05)
    return worker


def measure(column, fields, channels, count, *, alone, label):
    """Publish `count` articles (each alone, or all at once); returns (start time per page
    id, seconds spent publishing)."""
    from channels.models import Delivery
    from tests.factories import make_article

    started = {}
    # An editor publishes at any moment, not in step with the worker's idle polling:
    # single publishes are spaced by a random pause (seeded, so runs are comparable).
    pause = random.Random(count).uniform
    began = time.monotonic()
    for n in range(count):
        t0 = time.time()
        # page_published → outbox rows → enqueued on commit.
        article = make_article(column, title=f"基准测试{label}第{n + 1}期", **fields)
        started[article.pk] = t0
        if alone:
            _bootstrap.wait_final(
                Delivery.objects.filter(page_id=article.pk, channel__in=channels), 120, step=0.02
            )
            time.sleep(pause(0, 1))
    spent = time.monotonic() - began
    _bootstrap.wait_final(Delivery.objects.filter(page_id__in=started, channel__in=channels), 120 + count * 3)
    return started, spent


def report(title, started, channels):
    """Print the run's figures; returns whether every channel met the target."""
    from channels.models import Delivery

    rows = Delivery.objects.filter(page_id__in=started, channel__in=channels)
    print(title)
    ok = True
    web_p95 = None
    for channel in channels:
        done = {
            r.page_id: r.delivered_at.timestamp() for r in rows.filter(channel=channel, status="delivered")
        }
        latencies = [done[pk] - t0 for pk, t0 in started.items() if pk in done]
        line = f"  {channel:<7} delivered {len(done)}/{len(started)}"
        if latencies:
            p95 = pct(latencies, 95)
            web_p95 = p95 if channel == "web" else web_p95
            line += (
                f"; publish → delivered p50 {statistics.median(latencies) * 1000:5.0f} ms,"
                f" p95 {p95 * 1000:5.0f} ms, max {max(latencies) * 1000:5.0f} ms"
            )
            if channel == "web":
                line += "  (baseline)"
            elif web_p95:
                line += f"  p95 ×{p95 / web_p95:.1f} of web"
            ok &= p95 <= TARGET_P95
        print(line)
        failed = rows.filter(channel=channel).exclude(status="delivered").values_list("status", "last_error")
        if failed:
            print(f"    not delivered: {len(failed)}, e.g. {failed[0]}")
        ok &= len(done) == len(started)
    return ok


def shared_renders(started, channels):
    """With static publishing: how often the home page and the column's first page were
    written for these items, and how often a delivery found them already fresh."""
    from channels.models import Delivery

    for channel in [c for c in channels if c in ("web", "wap")]:
        prefix = "www.bench.localhost/" + ("wap/" if channel == "wap" else "")
        home, column = f"{prefix}index.html", f"{prefix}gzdt/index.html"
        written, fresh = Counter(), Counter()
        for state in Delivery.objects.filter(page_id__in=started, channel=channel).values_list(
            "state", flat=True
        ):
            written.update(state.get("files", []))
            fresh.update(state.get("already_fresh", []))
        print(
            f"  {channel}: {len(started)} items; home page written {written[home]} times"
            f" (found fresh {fresh[home]}), column page 1 written {written[column]} times"
            f" (found fresh {fresh[column]})"
        )


def exactly_once(started, channels, recorded):
    from cms.models import ArticlePage

    ok = True
    slugs = list(ArticlePage.objects.filter(pk__in=started).values_list("slug", flat=True))
    for channel, prefix in (("web", "/gzdt/"), ("wap", "/wap/gzdt/")):
        if channel in channels:
            counts = [recorded["purges"].get(f"{prefix}{slug}/", 0) for slug in slugs]
            twice, never = sum(c > 1 for c in counts), sum(c == 0 for c in counts)
            print(f"  {channel}: article addresses purged more than once: {twice}; never: {never}")
            ok &= not twice and not never
    if "wechat" in channels:
        drafts = Counter(recorded["draft_titles"])
        submits = recorded["submits"]
        print(
            f"  wechat stand-in: draft/add {sum(drafts.values())} ({len(drafts)} titles),"
            f" freepublish/submit {submits}, freepublish/get {recorded['checks']} for {len(slugs)} items"
        )
        ok &= sum(drafts.values()) == len(drafts) == submits == len(slugs)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=20, help="items published one at a time")
    parser.add_argument("--burst", type=int, default=100, help="items published at once")
    parser.add_argument("--channels", default="web,wap,wechat", help="comma-separated: web, wap, wechat")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--pg-db", default="bench_publish")
    parser.add_argument(
        "--static", action="store_true", help="static publishing on: files written per delivery"
    )
    args = parser.parse_args()
    channels = [c.strip() for c in args.channels.split(",") if c.strip()]
    if "web" not in channels:
        parser.error("the web channel is the baseline: include it")

    control, child = multiprocessing.Pipe()
    servers = multiprocessing.get_context("fork").Process(target=serve_standins, args=(child,), daemon=True)
    servers.start()
    purge_port, wechat_url = control.recv()
    folder = tempfile.mkdtemp(prefix="bench-publish-")
    write_settings(folder, purge_port, wechat_url, channels, args.static)
    env = _bootstrap.fresh_database_env(
        dict(os.environ),
        sqlite_path=_bootstrap.VAR / "bench_publish.sqlite3",
        pg_db=args.pg_db if args.pg else None,
    )
    env.update(
        DJANGO_SETTINGS_MODULE="bench_publish_settings",
        PYTHONPATH=os.pathsep.join([folder, str(ROOT), env.get("PYTHONPATH", "")]),
        MEDIA_ROOT=os.environ.get("MEDIA_ROOT") or os.path.join(folder, "media"),
    )
    os.environ.update(env)
    sys.path.insert(0, folder)
    _bootstrap.setup_django("bench_publish_settings")
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    column, fields = setup_cluster(channels)
    log = open(os.path.join(folder, "worker.log"), "w")  # noqa: SIM115 - closed in finally
    worker = start_worker(env, log)
    try:
        print(
            f"database: {connection.vendor}; one worker (manage.py run_worker, its own process,"
            " polling every 1 s when idle); WeChat stand-in: one 'publishing' answer per job"
        )
        ok = True
        everything = {}
        if args.single:
            started, _ = measure(column, fields, channels, args.single, alone=True, label="单条")
            everything |= started
            ok &= report(f"single publish: {args.single} items, each published alone", started, channels)
            if args.static:
                shared_renders(started, channels)
        if args.burst:
            started, spent = measure(column, fields, channels, args.burst, alone=False, label="批量")
            everything |= started
            ok &= report(
                f"burst: {args.burst} items published at once (publishing took {spent:.1f} s)",
                started,
                channels,
            )
            if args.static:
                shared_renders(started, channels)
        print("exactly once:")
        control.send("report")
        ok &= exactly_once(everything, channels, control.recv())
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
        control.send("stop")
        servers.join(10)
        print(f"worker log: {log.name}")
    print(
        f"target p95 ≤ {TARGET_P95:g} s on every channel, every item delivered exactly once:",
        "met" if ok else "NOT met",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
