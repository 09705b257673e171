"""Render benchmark: query count and median render time of an article page and of a
column list (first page) at 1k and at 20k articles, and the 20k/1k ratio (target ≤ 1.3);
also the first page of a short (20-item) column beside them, which must not grow at all;
and page 1 against page 500 of the long column and of a parent column that collects
20k items from 4 sub-columns (ratio target ≤ 1.3, the same query count).

    python bench/render.py [--small 1000] [--large 20000] [--requests 30] [--deep-page 500]

Runs on its own throwaway database (test settings; a SQLite file under var/, or a test_
database next to DATABASE_URL when that is set) and removes it afterwards. Articles are
inserted in bulk by bench/pages.py: Page rows with the treebeard paths add_child would
give them, then the ArticlePage rows, without a revision per item. The
script prints figures; it asserts nothing about time.
"""

import argparse
import gc
import os
import statistics
import time

import _bootstrap

_bootstrap.setup_test_database("render")

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from bench.pages import add_articles as bulk_add_articles  # noqa: E402
from bench.pages import numbered_articles  # noqa: E402
from cms.models import ArticlePage, ColumnPage, Organisation  # noqa: E402
from sites.provisioning import provision_site  # noqa: E402

HOST = "www.bench.localhost"
PARAGRAPHS = _bootstrap.SEED_PARAGRAPHS


def build_site():
    Site.objects.all().delete()
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    provisioned = provision_site(
        hostname=HOST,
        site_name="郴州市人民政府",
        site_code="4310000001",
        host_organisation="郴州市人民政府办公室",
    )
    column = ColumnPage(title="工作动态", slug="news", show_in_menus=True)
    provisioned.home.add_child(instance=column)
    column.save_revision().publish()
    # A short column beside the long one: its list must not cost more as the cluster grows.
    notices = ColumnPage(title="通知公告", slug="notices", show_in_menus=True)
    provisioned.home.add_child(instance=notices)
    notices.save_revision().publish()
    organisation = Organisation.objects.create(name="郴州市人民政府办公室", credit_code="11431000006170001X")
    # A parent column (政务动态) whose items all stand in its four sub-columns.
    parent = ColumnPage(title="政务动态", slug="zwdt", show_in_menus=True)
    provisioned.home.add_child(instance=parent)
    parent.save_revision().publish()
    subcolumns = []
    for n, title in enumerate(("工作动态", "部门动态", "县区动态", "图片新闻"), 1):
        sub = ColumnPage(title=title, slug=f"sub{n}")
        parent.add_child(instance=sub)
        sub.save_revision().publish()
        subcolumns.append(sub)
    return column, notices, organisation, subcolumns


def add_articles(column, organisation, start, count, slug_prefix="article"):
    """Insert `count` live articles under `column`, numbered from `start` (1-based); every
    third is a disclosure of `organisation` with a 文号 and an 索引号."""

    def articles():
        for n, values in numbered_articles(range(start, start + count), PARAGRAPHS, slug_prefix):
            if n % 3 == 0:
                values["organisation_id"] = organisation.pk
                values["doc_number"] = f"郴政办函〔2014〕{n}号"
                values["index_number"] = f"{organisation.credit_code}/2014-{n:05d}"
            yield values

    bulk_add_articles(column, articles())


def measure(client, url, requests):
    gc.collect()  # start every measurement from a collected heap, not the insert's garbage
    for _ in range(3):  # warm caches (site root paths, templates)
        assert client.get(url, HTTP_HOST=HOST).status_code == 200
    queries = []
    # An execute wrapper counts every query even where Django resets its query log.
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(url, HTTP_HOST=HOST)
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, HTTP_HOST=HOST)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--deep-page", type=int, default=500)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        cache.clear()
        column, notices, organisation, subcolumns = build_site()
        # Dated before everything in the long column, so a query that walks the whole
        # cluster newest-first would have to pass all of those to reach them.
        add_articles(notices, organisation, -20, 20, slug_prefix="notice")
        client = Client()
        results = {}
        created = 0
        for size in (args.small, args.large):
            started = time.perf_counter()
            add_articles(column, organisation, created + 1, size - created)
            created = size
            print(
                f"{size:>6} articles ready ({time.perf_counter() - started:.1f} s to insert; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
                flush=True,
            )
            # An article in the middle of the list, with disclosure metadata.
            middle = ArticlePage.objects.filter(organisation__isnull=False).order_by("pk")[size // 6]
            cache.clear()
            results[size] = {
                "article page": measure(client, middle.get_url_parts()[2], args.requests),
                "column list": measure(client, "/news/", args.requests),
                "short column": measure(client, "/notices/", args.requests),
            }

        # The parent column: the same number of items, spread over its four sub-columns.
        share = args.large // len(subcolumns)
        for n, sub in enumerate(subcolumns):
            add_articles(sub, organisation, args.large + n * share + 1, share, slug_prefix=f"sub{n}")
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load on a live server: without a visibility
            # map, an index-only scan of the listing still visits the table for every row.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cms_columnlisting")
        cache.clear()
        deep = f"?page={args.deep_page}"
        paging = {
            "long column": (
                measure(client, "/news/", args.requests),
                measure(client, f"/news/{deep}", args.requests),
            ),
            "parent column": (
                measure(client, "/zwdt/", args.requests),
                measure(client, f"/zwdt/{deep}", args.requests),
            ),
        }

        print()
        print(f"{'page':<14}{'articles':>9}{'queries':>9}{'median ms':>11}{'median CPU ms':>15}")
        for size, rows in results.items():
            for name, (queries, wall, cpu) in rows.items():
                print(f"{name:<14}{size:>9}{queries:>9}{wall:>11.2f}{cpu:>15.2f}")
        print()
        # CPU time of this process (which includes SQLite's work) is printed beside wall time
        # because wall time on a shared machine moves with everyone else's load.
        for name in ("article page", "column list", "short column"):
            (q_small, wall_small, cpu_small) = results[args.small][name]
            (q_large, wall_large, cpu_large) = results[args.large][name]
            print(
                f"{name}: {args.large}/{args.small} ratio {wall_large / wall_small:.2f} wall, "
                f"{cpu_large / cpu_small:.2f} CPU (target <= 1.3); queries {q_small} -> {q_large}"
            )
        print()
        for name, ((q_first, wall_first, cpu_first), (q_deep, wall_deep, cpu_deep)) in paging.items():
            print(
                f"{name} ({args.large} items): page 1 {wall_first:.2f} ms, page {args.deep_page} "
                f"{wall_deep:.2f} ms; ratio {wall_deep / wall_first:.2f} wall, {cpu_deep / cpu_first:.2f} CPU "
                f"(target <= 1.3); queries {q_first} -> {q_deep}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
