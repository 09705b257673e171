"""Dynamic-path benchmark: what gunicorn itself answers (no nginx, no published files), over
HTTP with wrk, against Wagtail's own floor measured beside it in the same run.

    .venv/bin/python bench/dynamic.py [--articles 20000] [--seconds 10] [--rounds 2]

Builds the PostgreSQL database `bench_dynamic` on BENCH_PG_URL (dropped and created again)
with one site, a column of `--articles` articles (bench/pages.add_articles) plus one
article published through the page API with a real body, and beside it the same title and
body as a bare Wagtail page at the same depth on a site of its own whose pages are all bare,
so Wagtail's own route() walks to it (bench/vanilla: a RichTextField and a ten-line
template, installed only by this benchmark's settings). Then it starts gunicorn with 2 sync workers
(bench/dynamic_settings.py: the development settings without DEBUG, the cache on Redis
database 12 as production has it, the API's anonymous limit lifted) twice: with the
rendered-page cache off (PAGE_CACHE_SECONDS=0: every request routed, queried and
rendered) and on (the default, 60 s), and a third time with the page cache off and the app
API's kept list entries off too (API_ENTRY_MEMO=0, channels/api/entries.py: every list
loads and builds its items, as one whose items no request of the process has shown yet
does). Each time wrk (-t2 -c8, `--seconds` per URL in
2-second slices taken in turn, `--rounds` rounds back to back) asks for:

  bare      the bare Wagtail page (the baseline), always rendered (it asks for no-cache,
            so the portal's page cache, which would keep it too, stays out)
  article   the same article as the portal renders it
  column 1  the column's first page;  column 500  its page 500
  api list  /api/v1/items/?page_size=20 (newest first) and its cursor page at depth 10,000
  v2 list   Wagtail API v2 /api/v2/pages/?type=cms.ArticlePage&limit=20 and offset=10000
  floor     /favicon.ico, a redirect through the same middleware (site lookup, CSP, reading
            modes, sessions…): the cheapest answer this stack gives, so floor ÷ v2 is the
            highest api ÷ v2 any view could reach in this run

and prints requests/s and the ratios the issue names: article ÷ bare, column 500 ÷ column
1, api ÷ v2 at the top and at depth 10,000, beside floor ÷ v2. It asserts nothing about
time.
"""

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import _bootstrap

# `python bench/dynamic.py` puts bench/ first on sys.path, where bench/search.py would hide
# the `search` app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

HOST = "www.dynbench.localhost"
BARE_HOST = "bare.dynbench.localhost"
PG_DB = "bench_dynamic"
SETTINGS = "bench.dynamic_settings"
PARAGRAPHS = _bootstrap.SEED_PARAGRAPHS
TITLE = "郴州市召开全市电子政务工作会议"
SLICE = 2  # seconds of wrk per URL at a time (measure)


def build(articles):
    from django.db import connection
    from wagtail.models import Page, Site

    from bench.pages import SERIES_START, add_articles, numbered_articles
    from bench.vanilla.models import BarePage
    from cms.models import ArticlePage, ColumnPage
    from sites.provisioning import provision_site, remove_placeholder_site

    remove_placeholder_site()
    site = provision_site(
        hostname=HOST,
        site_name="郴州市人民政府",
        site_code="4310009902",
        host_organisation="郴州市人民政府办公室",
    )
    column = ColumnPage(title="工作动态", slug="gzdt", show_in_menus=True)
    site.home.add_child(instance=column)
    column.save_revision().publish()
    add_articles(
        column, (values for _, values in numbered_articles(range(1, articles + 1), PARAGRAPHS * 3, "a"))
    )
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 3)
    article = ArticlePage(
        title=TITLE,
        slug="item",
        summary=PARAGRAPHS[0],
        body=[{"type": "paragraph", "value": body}],
        source="郴州市电子政务中心",
        published_at=SERIES_START + dt.timedelta(minutes=10 * (articles // 2)),
    )
    column.add_child(instance=article)
    article.save_revision().publish()
    # Wagtail's floor: the same article at the same depth (home, column, article), on a
    # site of its own whose pages are all bare, so Wagtail's own route() walks to it.
    bare_home = BarePage(title="郴州市人民政府", slug="bare-home")
    Page.get_first_root_node().add_child(instance=bare_home)
    bare_column = BarePage(title="工作动态", slug="gzdt")
    bare_home.add_child(instance=bare_column)
    bare = BarePage(title=TITLE, slug="item", body=body)
    bare_column.add_child(instance=bare)
    for page in (bare_home, bare_column, bare):
        page.save_revision().publish()
    Site.objects.create(hostname=BARE_HOST, port=80, root_page=bare_home, site_name="bare")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Page.objects.get(pk=column.pk)


def cursor_at(port, depth):
    """The v1 list's `next` address after `depth` items (followed 100 at a time)."""
    path = "/api/v1/items/?page_size=100"
    for _ in range(depth // 100):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            path = re.sub(r"^https?://[^/]+", "", json.loads(response.read())["next"])
    return path.replace("page_size=100", "page_size=20")


def measure(env, seconds, rounds, label):
    with _bootstrap.gunicorn(env, 2, HOST, "/gzdt/item/") as port:
        deep = cursor_at(port, 10_000)
        urls = {
            "bare": "/gzdt/item/",
            "article": "/gzdt/item/",
            "column 1": "/gzdt/",
            "column 500": "/gzdt/?page=500",
            "api list": "/api/v1/items/?page_size=20",
            "api depth 10000": deep,
            "v2 list": "/api/v2/pages/?type=cms.ArticlePage&limit=20",
            "v2 depth 10000": "/api/v2/pages/?type=cms.ArticlePage&limit=20&offset=10000",
            "floor": "/favicon.ico",
        }
        slices = max(1, seconds // SLICE)
        for round_number in range(1, rounds + 1):
            # The URLs take turns in slices of SLICE seconds: a change in the machine's
            # speed during the round (another tenant, a CPU's clock) touches every URL
            # alike, instead of whichever one ran at that moment.
            totals, bad = dict.fromkeys(urls, 0.0), dict.fromkeys(urls, 0)
            for _ in range(slices):
                for name, path in urls.items():
                    # Wagtail's floor is Wagtail rendering the page: the bare page asks for a
                    # fresh answer, so the portal's page cache (which would keep it too) stays out.
                    headers = ["Cache-Control: no-cache"] if name == "bare" else []
                    result = _bootstrap.wrk(port, path, SLICE, BARE_HOST if name == "bare" else HOST, headers)
                    totals[name] += result["rps"]
                    bad[name] += result["non2xx"]
            rates = {name: total / slices for name, total in totals.items()}
            for name, rate in rates.items():
                note = f"  ({bad[name]} answers not 2xx/3xx)" if bad[name] else ""
                print(f"  [{label}, round {round_number}] {name:<16} {rate:>9.1f} req/s{note}", flush=True)
            print(
                f"  [{label}, round {round_number}] article ÷ bare Wagtail {rates['article'] / rates['bare']:.2f}"
                f" (≥ 0.8);  column 500 ÷ column 1 {rates['column 500'] / rates['column 1']:.2f} (≥ 0.8);"
                f"  api ÷ v2 {rates['api list'] / rates['v2 list']:.2f} (≥ 3) and at depth 10,000"
                f" {rates['api depth 10000'] / rates['v2 depth 10000']:.2f} (≥ 20);"
                f"  the stack's floor ÷ v2 {rates['floor'] / rates['v2 list']:.2f},"
                f" at depth 10,000 {rates['floor'] / rates['v2 depth 10000']:.2f}",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(_bootstrap.ROOT)}
    env["DATABASE_URL"] = _bootstrap.fresh_postgres(PG_DB)
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=_bootstrap.ROOT, env=env, check=True)  # noqa: S603
    _bootstrap.setup_django(SETTINGS)
    build(args.articles)
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/12").flushdb()
    print(
        f"{args.articles + 1} articles on PostgreSQL; gunicorn 2 workers; wrk -t2 -c8 {args.seconds} s per URL"
    )
    for label, seconds_kept, entries_kept in (
        ("page cache off", "0", "1"),
        ("page cache on", "60", "1"),
        ("page cache and kept entries off", "0", "0"),
    ):
        measure(
            {**env, "PAGE_CACHE_SECONDS": seconds_kept, "API_ENTRY_MEMO": entries_kept},
            args.seconds,
            args.rounds,
            label,
        )


if __name__ == "__main__":
    main()
