"""App API benchmark: this platform's /api/v1/ against Wagtail's API v2 on the same 20,000
articles, in one run: requests per second and median latency of a 20-item list and of an
item detail (target: at least 2× Wagtail's throughput on both), and the number of queries
one list request costs at page sizes 10 and 100 (they must be equal).

    python bench/api.py [--articles 20000] [--requests 200]

Runs on its own throwaway database (test settings; a SQLite file under var/, or a test_
database next to DATABASE_URL when that is set) and removes it afterwards. Articles are
inserted in bulk by bench/pages.py. Requests go through Django's test client in this
process (the whole middleware stack, no network), one at a time, alternating between the two APIs; anonymous throttling is
switched off for the run. The script prints figures; it asserts nothing about time.
"""

import argparse
import gc
import os
import statistics
import time

import _bootstrap

_bootstrap.setup_test_database("api")

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.render import HOST, add_articles, build_site  # noqa: E402
from cms.models import ArticlePage, SubjectCategory  # noqa: E402

WAGTAIL_FIELDS = "summary,published_at,source,index_number,organisation,category"


def load(column, organisation, count):
    """bench/render.py's articles (every third with an organisation and 发文字号), with a
    subject category on those as well."""
    add_articles(column, organisation, 1, count)
    category = SubjectCategory.objects.create(name="综合政务", code="01")
    ArticlePage.objects.filter(organisation__isnull=False).update(category=category)


def count_queries(client, url):
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(queries)


def measure_pair(client, ours, theirs, requests):
    """((req/s, median ms, queries) of `ours`, same of `theirs`). The two are requested
    alternately, so both meet the same load on a shared machine."""
    gc.collect()
    for url in (ours, theirs):
        for _ in range(5):  # warm caches (site root paths, content types)
            assert client.get(url, HTTP_HOST=HOST).status_code == 200, url
    latencies = {ours: [], theirs: []}
    for _ in range(requests):
        for url in (ours, theirs):
            t = time.perf_counter()
            response = client.get(url, HTTP_HOST=HOST)
            latencies[url].append(time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
    return tuple(
        (
            len(latencies[url]) / sum(latencies[url]),
            statistics.median(latencies[url]) * 1000,
            count_queries(client, url),
        )
        for url in (ours, theirs)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"portal_api_anon": None}}
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        cache.clear()
        column, _notices, organisation, _subcolumns = build_site()
        started = time.perf_counter()
        load(column, organisation, args.articles)
        print(
            f"{args.articles} articles ready ({time.perf_counter() - started:.1f} s to insert; "
            f"{connection.vendor}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
            flush=True,
        )
        client = Client()
        middle = ArticlePage.objects.filter(organisation__isnull=False).order_by("pk")[args.articles // 6]
        cases = {
            "list of 20": (
                "/api/v1/items/?type=article&page_size=20",
                f"/api/v2/pages/?type=cms.ArticlePage&fields={WAGTAIL_FIELDS}&order=-published_at&limit=20",
            ),
            "detail": (f"/api/v1/items/{middle.pk}/", f"/api/v2/pages/{middle.pk}/"),
        }
        print()
        print(f"{'request':<12}{'API':<14}{'req/s':>9}{'median ms':>11}{'queries':>9}")
        ratios = {}
        for name, (ours, wagtail) in cases.items():
            cache.clear()
            mine, theirs = measure_pair(client, ours, wagtail, args.requests)
            for label, (rps, median, queries) in (("/api/v1/", mine), ("Wagtail v2", theirs)):
                print(f"{name:<12}{label:<14}{rps:>9.1f}{median:>11.2f}{queries:>9}")
            ratios[name] = (mine[0] / theirs[0], theirs[1] / mine[1])
        print()
        for name, (throughput, latency) in ratios.items():
            print(
                f"{name}: {throughput:.2f}x Wagtail API v2's requests/s, median latency {latency:.2f}x lower (target >= 2x)"
            )
        print()
        q10 = count_queries(client, "/api/v1/items/?type=article&page_size=10")
        q100 = count_queries(client, "/api/v1/items/?type=article&page_size=100")
        q10_all = count_queries(client, "/api/v1/items/?page_size=10")
        q100_all = count_queries(client, "/api/v1/items/?page_size=100")
        c10 = count_queries(client, f"/api/v1/items/?column={column.pk}&page_size=10")
        c100 = count_queries(client, f"/api/v1/items/?column={column.pk}&page_size=100")
        print(f"queries per list request: page_size=10 -> {q10}, page_size=100 -> {q100} (articles)")
        print(
            f"                          page_size=10 -> {q10_all}, page_size=100 -> {q100_all} (articles and topics)"
        )
        print(f"                          page_size=10 -> {c10}, page_size=100 -> {c100} (one column)")
        print("equal" if (q10, q10_all, c10) == (q100, q100_all, c100) else "NOT EQUAL")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
