"""Outbox benchmark: time from publish to "delivered" on the web channel with one worker.

Migrates a fresh SQLite database (var/bench_publish.sqlite3, or PostgreSQL with
--pg-url), points Wagtail's frontend cache at a PURGE-recording stand-in on 127.0.0.1,
starts ONE django-tasks-db worker in a thread (the worker `make serve` runs, polling every
--interval seconds like run_worker), publishes --items articles one after another
(--gap seconds apart) and prints p50/p95/max of publish → delivered, and checks that every
article's URL was purged exactly once.

    .venv/bin/python bench/publish.py                 # 100 items at once, 1 s polling
    .venv/bin/python bench/publish.py --items 300 --interval 0.2
"""

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.0, help="seconds between publishes (0: all at once)")
    parser.add_argument("--interval", type=float, default=1.0, help="worker polling interval")
    parser.add_argument("--pg-url", help="a PostgreSQL database to drop and use instead of SQLite")
    args = parser.parse_args()

    if args.pg_url:
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        db = ROOT / "var" / "bench_publish.sqlite3"
        db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if args.pg_url:
        call_command("flush", interactive=False, verbosity=0)  # a reused database
    call_command("migrate", verbosity=0)

    from django_tasks_db.management.commands.db_worker import Worker

    from channels.models import Delivery
    from sites.provisioning import remove_placeholder_site
    from tests.factories import make_article, make_column, make_site

    server = PurgeRecorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    settings.CHANNEL_ADAPTERS = {"web": "channels.adapters.web.WebAdapter"}

    remove_placeholder_site()
    site = make_site("www.bench.localhost", "基准测试市人民政府")
    column = make_column(site.home, title="工作动态", slug="gzdt", channels=["web"])

    worker = Worker(
        queue_names=["*"],
        interval=args.interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-publish",
        excluded_queue_names=[],
    )

    def run_worker():
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run_worker, daemon=True)
    thread.start()

    started = {}
    for _ in range(args.items):
        t0 = time.time()
        article = make_article(column)  # publishes: page_published → outbox → on_commit
        started[article.pk] = t0
        time.sleep(args.gap)

    deadline = time.time() + 60 + args.items * 2
    rows = Delivery.objects.filter(page_id__in=started, channel="web")
    while rows.exclude(status="delivered").exists() and time.time() < deadline:
        time.sleep(0.2)
    worker.running = False
    thread.join(args.interval + 5)

    delivered = {r.page_id: r.delivered_at.timestamp() for r in rows if r.status == "delivered"}
    latencies = [delivered[pk] - t0 for pk, t0 in started.items() if pk in delivered]
    from cms.models import ArticlePage

    article_paths = [
        f"/gzdt/{slug}/" for slug in ArticlePage.objects.filter(pk__in=started).values_list("slug", flat=True)
    ]
    twice = [p for p in article_paths if server.paths[p] > 1]
    never = [p for p in article_paths if server.paths[p] == 0]
    print(f"database: {connection.vendor}; items: {args.items}; one worker polling every {args.interval} s")
    print(
        f"delivered: {len(delivered)}/{args.items}; rows with attempts > 1: {rows.filter(attempts__gt=1).count()}"
    )
    if latencies:
        print(
            "publish → delivered (web): "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {pct(latencies, 95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
    if os.environ.get("BENCH_VERBOSE"):
        print(sorted(round(x, 2) for x in latencies))
    print(f"article URLs purged more than once: {len(twice)}; never: {len(never)}")
    ok = len(delivered) == args.items and not twice and not never and pct(latencies, 95) <= 2.0
    print("target p95 ≤ 2 s, every item delivered once:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
