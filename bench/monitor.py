"""Monitor benchmark: one scan of a site by the cluster monitor (monitoring.scan.scan_site)
over HTTP, against a bare crawl of the same site's pages in the same run.

    .venv/bin/python bench/monitor.py [--pages 500] [--workers 2] [--concurrency 4] [--rounds 2]

Builds the PostgreSQL database `bench_monitor` on BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432; dropped and created again) and one site on it,
www.monbench.localhost, provisioned by sites.provisioning and filled through the page API
(add_child, save_revision().publish()): `--pages` live pages in all, the home page, five
columns and articles whose bodies link to two other articles and to their column (one
article in ten also to a page that does not exist: a dead link) and say when they were
issued; each article shows its publish date. Then starts gunicorn with `--workers` sync workers on a free port of
127.0.0.1 (settings bench/monitor_settings.py: the development settings without DEBUG,
static files served by WhiteNoise from the finders, so no collectstatic; the footer's link
to the national error-report site skipped by MONITOR_LINK_SKIP_HOSTS), and measures
`--rounds` times, back to back:

crawl   the baseline: every live page of the site (ScanContext.pages()) fetched once with
        monitoring.fetch.Fetcher(rate=None) from `--concurrency` threads, nothing parsed or
        checked: pages/s and wall time;
scan    monitoring.scan.scan_site(site) with the site's MonitorSettings pointing at gunicorn
        (base_url http://www.monbench.localhost:<port>, requests_per_second=0: unlimited)
        and MONITOR_CONCURRENCY = `--concurrency`: wall time, the scan's request count
        (Scan.requests), requests/s, and their ratios to the crawl. The time of each check
        is taken in the same scan: scan_site runs unchanged, only the check functions it
        gets from monitoring.scan.checks() are wrapped in a timer; "keep, score, alert" is
        the rest of the scan (findings stored, scorecard, alerts).

It also prints what the scan's request count means at MonitorSettings' default rate
(requests_per_second = 5): requests / 5 seconds at the least (computed, not measured).
gunicorn is stopped at the end (also on an error); the database is left for a look.
The script prints figures; it asserts nothing about time.
"""

import argparse
import datetime as dt
import functools
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import _bootstrap

# `python bench/monitor.py` puts bench/ first on sys.path, where bench/search.py would
# hide the `search` app: Django must import the apps, not the benchmark scripts.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

HOST = "www.monbench.localhost"
PG_DB = "bench_monitor"
SETTINGS = "bench.monitor_settings"
# (title, slug, update frequency, days between two of its articles): the news column is
# fresh, the others are updated as their rule asks.
COLUMNS = [
    ("工作动态", "gzdt", "news", 0.05),
    ("通知公告", "tzgg", "notice", 1),
    ("政策文件", "zcwj", "notice", 2),
    ("人事信息", "rsxx", "planning", 3),
    ("规划计划", "ghjh", "planning", 5),
]
PARAGRAPHS = _bootstrap.SEED_PARAGRAPHS
# One article in MISSING_EVERY links to a page that does not exist (a dead link, M13).
MISSING_EVERY = 10


# -- the site --------------------------------------------------------------------------------


def build_site(pages):
    """The site with `pages` live pages: home, columns, articles (the rest). Returns it."""
    from django.utils import timezone

    from cms.models import ArticlePage, ColumnPage
    from sites.provisioning import provision_site, remove_placeholder_site

    remove_placeholder_site()  # one site: rich-text page links come out relative
    provisioned = provision_site(
        hostname=HOST,
        site_name="蒙基准市人民政府",
        site_code="4310009901",
        host_organisation="蒙基准市人民政府办公室",
    )
    columns = []
    for title, slug, frequency, _spacing in COLUMNS:
        column = ColumnPage(title=title, slug=slug, update_frequency=frequency, show_in_menus=True)
        provisioned.home.add_child(instance=column)
        column.save_revision().publish()
        columns.append(column)
    count = max(0, pages - 1 - len(columns))
    rng = random.Random(20140630)
    now = timezone.now()
    made = {index: [] for index in range(len(columns))}
    written = []  # (page id, title) of the articles so far
    for n in range(count):
        index = n % len(columns)
        column, spacing = columns[index], COLUMNS[index][3]
        # Each column's newest article first in the loop's last rounds: dates go forward.
        issued = now - dt.timedelta(days=spacing * (count // len(columns) - len(made[index])), hours=1)
        local = timezone.localtime(issued)
        links = []
        for page_id, title in rng.sample(written, min(2, len(written))):
            links.append(f'<a linktype="page" id="{page_id}">{title}</a>')
        links.append(f'<a linktype="page" id="{column.pk}">{column.title}</a>')
        if n % MISSING_EVERY == MISSING_EVERY - 1:
            links.append(f'<a href="/{COLUMNS[index][1]}/yishanchu-{n}/">已删除的旧文件（第{n}号）</a>')
        body = [
            {"type": "paragraph", "value": f"<p>{PARAGRAPHS[n % 3]}本文于{local:%Y年%-m月%-d日}发布。</p>"},
            {"type": "paragraph", "value": f"<p>{PARAGRAPHS[(n + 1) % 3]}</p>"},
            {"type": "paragraph", "value": f"<p>相关信息：{'、'.join(links)}</p>"},
        ]
        title = f"{COLUMNS[index][0]}：推进政府网站集约化建设（第{n + 1}期）"
        article = ArticlePage(
            title=title,
            slug=f"a{n + 1}",
            summary=PARAGRAPHS[n % 3][:60],
            body=body,
            published_at=issued,
            source="蒙基准市人民政府办公室",
        )
        column.add_child(instance=article)
        article.save_revision().publish()
        made[index].append(article.pk)
        written.append((article.pk, title))
    return provisioned.site


# -- measuring -------------------------------------------------------------------------------


def crawl(urls, concurrency):
    """Every URL fetched once, bodies read, nothing parsed: (seconds, pages/s, failures)."""
    from monitoring.fetch import Fetcher

    fetcher = Fetcher(rate=None)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        fetched = list(pool.map(fetcher.get, urls))
    seconds = time.perf_counter() - started
    return seconds, len(urls) / seconds, sum(not page.ok for page in fetched)


def scan(site):
    """scan_site(site) as it is, its checks timed: (seconds, Scan, {check label: seconds})."""
    from monitoring import scan as scan_module
    from monitoring.models import Scan

    timings = {}
    checks = scan_module.checks()

    def timed(check):
        label = check.__module__.rsplit(".", 1)[-1]

        @functools.wraps(check)
        def run(ctx):
            started = time.perf_counter()
            try:
                return check(ctx)
            finally:
                timings[label] = time.perf_counter() - started

        return run

    with mock.patch.object(scan_module, "checks", lambda: [timed(check) for check in checks]):
        started = time.perf_counter()
        result = scan_module.scan_site(site, trigger=Scan.Trigger.MANUAL)
        seconds = time.perf_counter() - started
    timings["keep, score, alert"] = seconds - sum(timings.values())
    return seconds, result, timings


def table(rows, rounds):
    width = max(len(label) for label, _values in rows)
    header = " " * width + "".join(f"{f'round {n}':>12}" for n in range(1, rounds + 1))
    lines = [header]
    for label, values in rows:
        lines.append(f"{label:<{width}}" + "".join(f"{value:>12}" for value in values))
    return "\n".join(lines)


def measure(site, port, args):
    from django.conf import settings

    from monitoring.models import MonitorSettings
    from monitoring.scan import ScanContext

    monitor = MonitorSettings.for_site(site)
    monitor.base_url = f"http://{HOST}:{port}"
    monitor.requests_per_second = 0  # unlimited
    monitor.save()
    settings.MONITOR_CONCURRENCY = args.concurrency
    urls = [url for _page, url in ScanContext(site).pages()]
    polite_rate = MonitorSettings._meta.get_field("requests_per_second").default

    results = []
    for number in range(1, args.rounds + 1):
        crawl_s, crawl_rate, crawl_failed = crawl(urls, args.concurrency)
        scan_s, done, timings = scan(site)
        results.append((crawl_s, crawl_rate, crawl_failed, scan_s, done, timings))
        print(
            f"  round {number}: crawl {crawl_s:.1f} s, scan {scan_s:.1f} s ({done.requests} requests)",
            flush=True,
        )

    def column(pick, fmt):
        return [format(pick(*result), fmt) for result in results]

    rows = [
        ("crawl: pages", column(lambda *r: len(urls), "d")),
        ("crawl: failed pages", column(lambda cs, cr, cf, *r: cf, "d")),
        ("crawl: wall time (s)", column(lambda cs, *r: cs, ".2f")),
        ("crawl: pages/s", column(lambda cs, cr, *r: cr, ".1f")),
        ("scan: wall time (s)", column(lambda cs, cr, cf, ss, *r: ss, ".2f")),
        ("scan: requests", column(lambda cs, cr, cf, ss, d, t: d.requests, "d")),
        ("scan: requests/s", column(lambda cs, cr, cf, ss, d, t: d.requests / ss, ".1f")),
        ("scan time / crawl time", column(lambda cs, cr, cf, ss, d, t: ss / cs, ".2f")),
        ("scan req/s ÷ crawl pages/s", column(lambda cs, cr, cf, ss, d, t: d.requests / ss / cr, ".3f")),
    ]
    for label in results[0][5]:
        rows.append((f"  {label} (s)", column(lambda cs, cr, cf, ss, d, t, label=label: t[label], ".2f")))
    rows += [
        ("scan: score", column(lambda cs, cr, cf, ss, d, t: d.score, "g")),
        ("M13: link targets", column(lambda cs, cr, cf, ss, d, t: _figure(d, "targets"), "d")),
        ("M13: targets skipped", column(lambda cs, cr, cf, ss, d, t: _figure(d, "skipped"), "d")),
        ("M13: dead links (certain)", column(lambda cs, cr, cf, ss, d, t: _figure(d, "certain"), "d")),
        ("scan: errors", column(lambda cs, cr, cf, ss, d, t: len(d.error.splitlines()), "d")),
        (
            f"at the default {polite_rate:g} req/s (s)",
            column(lambda cs, cr, cf, ss, d, t: d.requests / polite_rate, ".0f"),
        ),
    ]
    print()
    print(table(rows, args.rounds))
    last = results[-1]
    print()
    print(
        f"{len(urls)} pages, {args.workers} gunicorn workers, concurrency {args.concurrency}: "
        f"the scan takes {last[3] / last[0]:.2f}× the bare crawl's time "
        f"({last[4].requests} requests at {last[4].requests / last[3]:.1f}/s vs {last[1]:.1f} pages/s); "
        f"at the default {polite_rate:g} req/s it would take ≥ {last[4].requests / polite_rate:.0f} s."
    )
    for result in results:
        if result[4].error:
            print(f"scan errors:\n{result[4].error}")


def _figure(done, name):
    """An M13 figure from the scorecard, 0 when the card does not carry it."""
    return int((done.result.get("figures", {}).get("M13") or {}).get(name, 0) or 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    os.environ["DATABASE_URL"] = _bootstrap.fresh_postgres(PG_DB)
    _bootstrap.setup_django(SETTINGS)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    site = build_site(args.pages)
    connections.close_all()
    print(f"{args.pages} live pages built on PostgreSQL {PG_DB} in {time.perf_counter() - started:.0f} s")

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(_bootstrap.ROOT)}
    with _bootstrap.gunicorn(env, args.workers, HOST) as port:
        print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}", flush=True)
        measure(site, port, args)


if __name__ == "__main__":
    main()
