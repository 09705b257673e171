"""Outbox benchmark: time from publish to "delivered" per channel with one worker.

Migrates a fresh database (a SQLite file under var/, or with --pg the PostgreSQL database
`bench_publish` on BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432, dropped and
created again), points Wagtail's frontend cache at a PURGE-recording stand-in on
127.0.0.1 and, with --channels web,wechat, WeChat at its API stand-in
(channels/wechat/standin.py). Starts ONE django-tasks-db worker in a thread (the worker
`make serve` runs, polling every --interval seconds like run_worker), publishes --items
articles (--gap seconds apart; 0: all at once), and prints p50/p95/max of publish →
delivered per channel, and whether any item was delivered twice or never.

    .venv/bin/python bench/publish.py                          # web, 100 at once, SQLite
    .venv/bin/python bench/publish.py --pg
    .venv/bin/python bench/publish.py --channels web,wechat --items 30 --gap 1
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
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


def fresh_database(args):
    if args.pg:
        import psycopg

        server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.pg_db}"')
        os.environ["DATABASE_URL"] = f"{server}/{args.pg_db}"
    else:
        db = ROOT / "var" / "bench_publish.sqlite3"
        db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(db)


def setup_wechat(site):
    """An enabled account on the site, the API stand-in, and a cover image."""
    from django.core.cache import cache
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from channels.wechat.models import WeChatAccount
    from channels.wechat.standin import WeChatStandin

    standin = WeChatStandin(polls_before_done=1).start()
    from django.conf import settings

    settings.WECHAT_API_BASE_URL = standin.base_url
    cache.clear()
    account = WeChatAccount.for_site(site.site)
    account.appid = "wxbench0001"
    account.name = "基准测试发布"
    account.enabled = True
    account.set_secrets(secret="s3cret", token="tok", aes_key="k" * 43)  # noqa: S106 - stand-in
    account.save()
    buf = io.BytesIO()
    PILImage.new("RGB", (940, 400), (30, 90, 160)).save(buf, "JPEG")
    cover = get_image_model().objects.create(title="封面", file=ImageFile(buf, name="cover.jpg"))
    return standin, cover


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.0, help="seconds between publishes (0: all at once)")
    parser.add_argument("--interval", type=float, default=1.0, help="worker polling interval")
    parser.add_argument("--channels", default="web", help="comma-separated: web, wechat")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--pg-db", default="bench_publish")
    args = parser.parse_args()
    channels = [c.strip() for c in args.channels.split(",") if c.strip()]

    fresh_database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-publish-media-"))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from django_tasks_db.management.commands.db_worker import Worker

    from channels.models import Delivery
    from cms.models import ArticlePage
    from sites.provisioning import remove_placeholder_site
    from tests.factories import make_article, make_column, make_site

    purger = PurgeRecorder()
    threading.Thread(target=purger.serve_forever, daemon=True).start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{purger.server_port}",
        }
    }
    settings.CHANNEL_ADAPTERS = {
        "web": "channels.adapters.web.WebAdapter",
        "wechat": "channels.adapters.wechat.WeChatAdapter",
    }

    remove_placeholder_site()
    site = make_site("www.bench.localhost", "基准测试市人民政府")
    column = make_column(site.home, title="工作动态", slug="gzdt", channels=channels)
    fields = {}
    standin = None
    if "wechat" in channels:
        standin, fields["cover_image"] = setup_wechat(site)
        fields["summary"] = "基准测试摘要"

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
    for n in range(args.items):
        t0 = time.time()
        # Publishes: page_published → outbox rows → enqueue on commit.
        article = make_article(column, title=f"基准测试信息第{n + 1}期", **fields)
        started[article.pk] = t0
        time.sleep(args.gap)

    rows = Delivery.objects.filter(page_id__in=started, channel__in=channels)
    deadline = time.time() + 120 + args.items * 3
    while rows.filter(status__in=["pending", "running"]).exists() and time.time() < deadline:
        time.sleep(0.2)
    worker.running = False
    thread.join(args.interval + 10)

    db = connection.vendor
    print(
        f"database: {db}; items: {args.items}, {args.gap} s apart; one worker polling every {args.interval} s"
    )
    ok = True
    for channel in channels:
        done = {
            r.page_id: r.delivered_at.timestamp() for r in rows.filter(channel=channel, status="delivered")
        }
        latencies = [done[pk] - t0 for pk, t0 in started.items() if pk in done]
        failed = rows.filter(channel=channel, status="failed").values_list("last_error", flat=True)
        line = f"{channel}: delivered {len(done)}/{args.items}"
        if latencies:
            p95 = pct(latencies, 95)
            line += (
                f"; publish → delivered p50 {statistics.median(latencies) * 1000:.0f} ms,"
                f" p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
            )
            ok &= p95 <= 2.0
        print(line)
        if failed:
            print(f"  failed: {len(failed)}, e.g. {failed[0]}")
        ok &= len(done) == args.items
    slugs = ArticlePage.objects.filter(pk__in=started).values_list("slug", flat=True)
    paths = [f"/gzdt/{slug}/" for slug in slugs]
    if "web" in channels:
        twice = sum(purger.paths[p] > 1 for p in paths)
        never = sum(purger.paths[p] == 0 for p in paths)
        print(f"web: article URLs purged more than once: {twice}; never: {never}")
        ok &= not twice and not never
    if standin is not None:
        drafts = len(standin.successful("draft/add"))
        submits = len(standin.successful("freepublish/submit"))
        print(f"wechat stand-in: draft/add {drafts}, freepublish/submit {submits} for {args.items} items")
        ok &= drafts == submits == args.items
        standin.stop()
    print("target p95 ≤ 2 s, every item delivered exactly once:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
