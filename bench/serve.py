"""Serve benchmark (issue 18, static publishing): a site's pages through nginx against nginx
serving a plain file, the same dynamic pages straight from gunicorn, and how long a new
item takes from publish() to fresh files, in one run.

    .venv/bin/python bench/serve.py [--articles 20000] [--seconds 10] [--rounds 2]
                                    [--publishes 20] [--timeout 30] [--workers 2] [--reuse]

Builds the PostgreSQL database `bench_serve` on BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432; dropped and created again) and one site on it,
www.servebench.localhost, provisioned by sites.provisioning: a news column (工作动态) of
`--articles` live articles inserted in bulk by bench/pages.py (so that ?page=500 exists at
COLUMN_PAGE_SIZE = 20), a notices column of 30, and the home page whose blocks show the
newest items. Settings: bench/serve_settings.py (the development settings without DEBUG,
STATIC_PUBLISHING on, PUBLISHED_ROOT inside the nginx prefix, the web channel only, tasks
through the database backend). Then, all under var/bench_serve/ (removed and made again):

publish_static  `manage.py publish_static` writes every live page as a file; its own
                printed line (pages, files, seconds, files/s) is shown.
gunicorn        `--workers` sync workers on a free port of 127.0.0.1 (the rendered-page
                cache off: serve_settings.PAGE_CACHE_SECONDS = 0).
nginx           deploy/nginx/portal-plain-http.conf with its snippets, installed into the
                prefix as tests/deploy/test_nginx_config.py installs it (logs, /srv/portal/
                → the prefix, listening on a free port of 127.0.0.1 only, the upstream →
                gunicorn's port, the site's hostname added to server_name) inside a
                nginx.conf with worker_processes 2 and Debian's sendfile/tcp_nopush;
                baseline: a 16 KB plain file in the prefix's srv/var/static/, served by the
                /static/ location.
nginx, fixed    a second nginx (prefix var/bench_serve/list-cache-fix/, same files and
                gunicorn), the same configuration plus `proxy_ignore_headers Cache-Control
                Expires;` in @portal_app (LIST_CACHE_FIX): as deployed, portal_lists stores
                nothing, since the application answers "Cache-Control: public, no-cache".

through nginx   wrk -t2 -c8 -d`--seconds`s with the site's Host header, `--rounds` times back
                to back: the plain file, an article, the column's page 1 (files), the
                column's page 500 (?page=N: gunicorn behind nginx's 30-s proxy cache
                portal_lists) and the home page (a file): requests/s, the ratio to the
                plain file's (the issue wants ≥ 0.5 each), latency p50/p99, non-2xx answers;
                and page 500 once more through the fixed nginx.
gunicorn alone  the same wrk against gunicorn's port (no nginx): the article, the column's
                page 1 and page 500 (the dynamic path), and page 500 ÷ page 1 (≥ 0.8).
publish→fresh   with `manage.py run_worker` running (the outbox delivers the web channel,
                which rewrites the files), `--publishes` new articles are added to the
                news column and published one after another from this process
                (add_child, save_revision().publish()). For each, from publish() returning,
                nginx is polled every 20 ms until its page, the column's first page and the
                home page are all answered from their published files (no X-Portal-Cache
                header: nginx did not pass the request to gunicorn, which would render a
                fresh page at once) with status 200 and the new title in them: seconds
                p50/p95/max (the issue wants p95 ≤ 2 s), per part too; an item not fresh
                after `--timeout` s is a failure. One unmeasured publish warms the worker.

`--reuse` measures again on the database and published files an earlier run left (no build,
no publish_static; nginx's folders are made anew).

Every process started (gunicorn, nginx, the worker) is stopped at the end, also on an
error; the database and var/bench_serve/ are left for a look. The script prints figures; it
asserts nothing about time.
"""

import argparse
import contextlib
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import _bootstrap

# `python bench/serve.py` puts bench/ first on sys.path, where bench/search.py would hide
# the `search` app: Django must import the apps, not the benchmark scripts.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

HOST = "www.servebench.localhost"
PG_DB = "bench_serve"
SETTINGS = "bench.serve_settings"
PREFIX = _bootstrap.VAR / "bench_serve"  # serve_settings.PUBLISHED_ROOT lies inside
NGINX = Path("/usr/sbin/nginx")
SITE_FILE = "portal-plain-http.conf"
PLAIN_FILE = "/static/bench-serve-16k.html"
PLAIN_SIZE = 16 * 1024
NEWS_SLUG = "gzdt"
NOTICES_SLUG = "tzgg"
POLL_SECONDS = 0.02

PARAGRAPHS = [
    "2014年上半年，市电子政务中心围绕市委、市政府中心工作，进一步推进政府网站集约化建设。",
    "全市政府网站群平台运行稳定，市直部门和县市区网站统一部署、统一管理、统一安全防护。",
    "政府信息公开目录系统全面上线，主动公开政府信息，依申请公开渠道畅通。",
    "会议要求，各地各部门要压实工作责任，细化工作措施，确保各项任务按时保质完成。",
]
TITLES = [
    "市政府召开常务会议研究部署{topic}工作",
    "全市{topic}工作推进会召开",
    "市领导到县市区调研{topic}工作",
    "我市{topic}工作取得阶段性成效",
    "市直各单位扎实开展{topic}专项行动",
]
TOPICS = [
    "政府网站集约化建设",
    "安全生产",
    "优化营商环境",
    "乡村振兴",
    "城乡环境综合整治",
    "防汛抗旱",
    "民生实事",
]
NOTICES = "关于{topic}有关事项的通知"


# -- the site --------------------------------------------------------------------------------


def body(n):
    return [
        {"type": "paragraph", "value": f"<p>{PARAGRAPHS[n % 4]}{PARAGRAPHS[(n + 1) % 4]}</p>"},
        {"type": "paragraph", "value": f"<p>{PARAGRAPHS[(n + 2) % 4]}</p>"},
    ]


def build_site(articles):
    """The site: home page, the news column with `articles` articles (bulk), the notices
    column with 30. Returns (site, news column)."""
    from django.utils import timezone

    from bench.pages import add_articles
    from cms.models import ColumnPage
    from cms.pages import ColumnType
    from sites.provisioning import provision_site, remove_placeholder_site

    remove_placeholder_site()
    provisioned = provision_site(
        hostname=HOST,
        site_name="郴州市人民政府",
        site_code="4310000001",
        host_organisation="郴州市人民政府办公室",
    )
    columns = {}
    for title, slug, kind in (
        ("工作动态", NEWS_SLUG, ColumnType.NEWS),
        ("通知公告", NOTICES_SLUG, ColumnType.NOTICE),
    ):
        column = ColumnPage(title=title, slug=slug, column_type=kind, channels=["web"], show_in_menus=True)
        provisioned.home.add_child(instance=column)
        column.save_revision().publish()
        columns[slug] = column
    # Dated in the past, newest last, so that a newly published item is the newest of all.
    newest = timezone.now() - dt.timedelta(hours=1)

    def news():
        for n in range(1, articles + 1):
            when = newest - dt.timedelta(minutes=30 * (articles - n))
            topic = TOPICS[n % len(TOPICS)]
            yield {
                "title": f"{TITLES[n % len(TITLES)].format(topic=topic)}（{timezone.localtime(when):%Y年%-m月%-d日}）",
                "slug": f"a{n}",
                "published_at": when,
                "summary": PARAGRAPHS[n % 4][:60],
                "body": body(n),
                "source": "郴州市人民政府办公室",
            }

    def notices():
        for n in range(1, 31):
            yield {
                "title": NOTICES.format(topic=TOPICS[n % len(TOPICS)]) + f"（第{n}号）",
                "slug": f"n{n}",
                "published_at": newest - dt.timedelta(days=31 - n),
                "summary": PARAGRAPHS[n % 4][:60],
                "body": body(n),
                "source": "郴州市人民政府办公室",
            }

    add_articles(columns[NEWS_SLUG], news())
    add_articles(columns[NOTICES_SLUG], notices())
    return provisioned.site, ColumnPage.objects.get(pk=columns[NEWS_SLUG].pk)


# -- processes -------------------------------------------------------------------------------


def manage(env, *arguments, **kwargs):
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(_bootstrap.ROOT / "manage.py"), *arguments],
        env=env,
        cwd=_bootstrap.ROOT,
        check=True,
        **kwargs,
    )


def stop(process, name):
    """Stop a process this script started (SIGTERM, then SIGKILL after 30 s)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop within 30 s: killed", flush=True)
            process.kill()
            process.wait()


# The proposed fix of the list cache (see LIST_CACHE_FIX below): gunicorn answers public
# pages with "Cache-Control: public, no-cache" (browsers revalidate), which nginx obeys by
# never storing them, so portal_lists as deployed keeps nothing. Ignoring the header in
# @portal_app (proxy_no_cache still limits the cache to anonymous ?page=N GETs, and an
# answer with Set-Cookie is still never stored) lets it keep them for 30 s as intended.
LIST_CACHE_FIX = (
    "    proxy_cache_valid 200 30s;\n",
    "    proxy_cache_valid 200 30s;\n    proxy_ignore_headers Cache-Control Expires;\n",
)


def install_nginx(prefix, srv, port, upstream_port, extra=()):
    """deploy/nginx as docs/deploy.md installs it, into `prefix` (configuration, logs,
    temporary files, the list cache), with /srv/portal/ at `srv` (the published files and
    the plain file) and the (old, new) substitutions `extra`; returns nginx.conf's path."""
    deploy = _bootstrap.ROOT / "deploy" / "nginx"
    conf = prefix / "conf"
    (conf / "snippets" / "portal").mkdir(parents=True)
    (conf / "sites-enabled").mkdir()
    for folder in (prefix / "logs", prefix / "temp", srv / "var/static"):
        folder.mkdir(parents=True, exist_ok=True)
    replace = [
        *extra,
        ("/var/log/portal/", f"{prefix}/logs/"),
        ("/etc/portal/tls/", f"{prefix}/tls/"),
        ("/srv/portal/var/nginx-cache", f"{prefix}/nginx-cache"),
        ("/srv/portal/", f"{srv}/"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;"),
        ("listen [::]:80 default_server;", ""),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("listen [::]:80;", ""),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{upstream_port};"),
        ("server_name\n", f"server_name\n    {HOST}\n"),
    ]
    applied = set()

    def install(source, target):
        text = source.read_text(encoding="utf-8")
        for old, new in replace:
            if old in text:
                applied.add(old)
            text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")

    for snippet in (deploy / "snippets").glob("*.conf"):
        install(snippet, conf / "snippets" / "portal" / snippet.name)
    install(deploy / SITE_FILE, conf / "sites-enabled" / SITE_FILE)
    site_text = (conf / "sites-enabled" / SITE_FILE).read_text(encoding="utf-8")
    names = (conf / "snippets" / "portal" / "server-names.conf").read_text(encoding="utf-8")
    if f"127.0.0.1:{port}" not in site_text or HOST not in names:
        raise RuntimeError(
            "the nginx configuration changed: the listen/server_name substitutions no longer apply"
        )
    temp = "".join(
        f"    {kind}_temp_path {prefix}/temp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (conf / "nginx.conf").write_text(
        "user root;\n"  # the workers read the prefix as its owner
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\n"
        "worker_processes 2;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        f"{temp}"
        f"    access_log {prefix}/logs/access.log;\n"
        f"    include sites-enabled/{SITE_FILE};\n"
        "}\n",
        encoding="utf-8",
    )
    # The baseline: a plain 16 KB HTML file in STATIC_ROOT's place.
    line = "<p>" + PARAGRAPHS[0] + "</p>\n"
    text = "<!doctype html><title>plain</title>\n" + line * (PLAIN_SIZE // len(line.encode()) + 1)
    (srv / "var" / PLAIN_FILE.lstrip("/")).write_bytes(text.encode()[:PLAIN_SIZE])
    return conf / "nginx.conf"


@contextlib.contextmanager
def nginx(prefix, srv, upstream_port, extra=()):
    """nginx in the foreground on a free port of 127.0.0.1 (install_nginx); yields the port
    once the plain file answers."""
    port = _bootstrap.free_port()
    conf = install_nginx(prefix, srv, port, upstream_port, extra)
    command = [str(NGINX), "-p", f"{prefix}/", "-c", str(conf), "-e", f"{prefix}/logs/error.log"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)  # noqa: S603
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
    server = subprocess.Popen([*command, "-g", "daemon off;"])  # noqa: S603
    try:
        deadline = time.monotonic() + 15
        while fetch(port, PLAIN_FILE)[0] != 200:
            if server.poll() is not None:
                raise RuntimeError(f"nginx exited with {server.returncode}: see {prefix}/logs/error.log")
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not serve the plain file within 15 s")
            time.sleep(0.1)
        yield port
    finally:
        stop(server, "nginx")


@contextlib.contextmanager
def worker(env, log):
    """`manage.py run_worker` (the database task backend's worker and its clock)."""
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, str(_bootstrap.ROOT / "manage.py"), "run_worker"],
            env=env,
            cwd=_bootstrap.ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        stop(process, "the worker")


def fetch(port, path):
    """(status, headers, body text) of an anonymous GET of `path` on the site; status 0 when
    nothing answered."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, ""
    except (urllib.error.URLError, OSError):
        return 0, {}, ""


def source(headers):
    """Who answered through nginx: the published file, or gunicorn (with the cache status)."""
    status = headers.get("X-Portal-Cache")
    return "file" if status is None else f"gunicorn (cache {status})"


# -- wrk -------------------------------------------------------------------------------------


def wrk_table(title, rows, baseline=None):
    """Print one round's results: rows of (label, path, result)."""
    print(title)
    ratio_head = "× file" if baseline else ""
    print(f"  {'':<22}{'req/s':>10}{ratio_head:>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'errors':>8}")
    for label, _path, r in rows:
        ratio = f"{r['rps'] / baseline:.2f}" if baseline else ""
        print(
            f"  {label:<22}{r['rps']:>10.0f}{ratio:>9}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['non2xx']:>9}{r['errors']:>8}"
        )
    print(flush=True)


# -- publish → fresh -------------------------------------------------------------------------


def publish_one(column, number, tag):
    """Add a new article to `column` and publish it; returns (page, title, seconds after the
    publish() call returned, as time.monotonic())."""
    from django.utils import timezone

    from cms.models import ArticlePage

    title = f"郴州市召开政府网站集约化建设推进会（第{number}次发布测试·{tag}）"
    article = ArticlePage(
        title=title,
        slug=f"fresh-{tag}-{number}",
        summary=PARAGRAPHS[0][:60],
        body=body(number),
        source="郴州市人民政府办公室",
        published_at=timezone.now(),
    )
    column.add_child(instance=article)
    article.save_revision().publish()
    return article, title, time.monotonic()


def wait_fresh(port, checks, title, started, timeout):
    """Poll nginx every POLL_SECONDS until every path of `checks` ({part: path}) is answered
    from its file with status 200 and `title` in it. Returns {part: seconds or None}."""
    fresh = dict.fromkeys(checks)
    while time.monotonic() - started < timeout:
        for part, path in checks.items():
            if fresh[part] is None:
                status, headers, text = fetch(port, path)
                if status == 200 and source(headers) == "file" and title in text:
                    fresh[part] = time.monotonic() - started
        if all(value is not None for value in fresh.values()):
            break
        time.sleep(POLL_SECONDS)
    return fresh


def quantile(values, q):
    """The q-quantile (0..1) of `values`, by linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def publish_to_fresh(port, column, home_path, args):
    tag = time.strftime("%H%M%S")
    column_path = column.get_url_parts()[2]
    # One unmeasured publish: the worker's first delivery loads templates and warms up.
    article, title, started = publish_one(column, 0, tag)
    warm = wait_fresh(
        port,
        {"page": article.get_url_parts()[2], "column": column_path, "home": home_path},
        title,
        started,
        60,
    )
    if any(value is None for value in warm.values()):
        print(f"  warm-up publish not fresh after 60 s: {warm}; see {PREFIX}/logs/worker.log", flush=True)
    else:
        print(f"  warm-up publish fresh after {max(warm.values()):.2f} s (not counted)", flush=True)
    totals, parts, failures = [], {"page": [], "column": [], "home": []}, []
    for number in range(1, args.publishes + 1):
        article, title, started = publish_one(column, number, tag)
        checks = {"page": article.get_url_parts()[2], "column": column_path, "home": home_path}
        fresh = wait_fresh(port, checks, title, started, args.timeout)
        if any(value is None for value in fresh.values()):
            stale = ", ".join(part for part, value in fresh.items() if value is None)
            failures.append(f"#{number} {checks['page']}: not fresh after {args.timeout:g} s: {stale}")
            print(f"  #{number:>2}: FAILED ({stale} not fresh after {args.timeout:g} s)", flush=True)
            continue
        totals.append(max(fresh.values()))
        for part, value in fresh.items():
            parts[part].append(value)
        print(
            f"  #{number:>2}: fresh after {totals[-1]:.2f} s "
            f"(page {fresh['page']:.2f}, column {fresh['column']:.2f}, home {fresh['home']:.2f})",
            flush=True,
        )
    return totals, parts, failures


# -- the run ---------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--deep-page", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database and published files an earlier run left (no build, no publish_static)",
    )
    args = parser.parse_args()
    for tool in (str(NGINX), "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing (apt-get install -y nginx wrk)")

    started = time.perf_counter()
    if args.reuse:
        # The database and published files of an earlier run: nginx's folders go.
        for child in PREFIX.iterdir():
            if child.is_dir() and child.name != "srv":
                shutil.rmtree(child)
            elif not child.is_dir():
                child.unlink()
        os.environ["DATABASE_URL"] = f"{_bootstrap.PG_SERVER}/{PG_DB}"
    else:
        shutil.rmtree(PREFIX, ignore_errors=True)
        os.environ["DATABASE_URL"] = _bootstrap.fresh_postgres(PG_DB)
    (PREFIX / "logs").mkdir(parents=True)
    _bootstrap.setup_django(SETTINGS)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if Path(settings.PUBLISHED_ROOT).resolve() != (PREFIX / "srv" / "var" / "published").resolve():
        sys.exit(f"PUBLISHED_ROOT {settings.PUBLISHED_ROOT} is not inside the nginx prefix {PREFIX}")
    page_size = settings.COLUMN_PAGE_SIZE
    if args.articles < args.deep_page * page_size:
        sys.exit(
            f"?page={args.deep_page} needs ≥ {args.deep_page * page_size} articles at {page_size} a page"
        )

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(_bootstrap.ROOT)}
    if args.reuse:
        from cms.models import ColumnPage

        call_command("migrate", interactive=False, verbosity=0)
        column = ColumnPage.objects.get(slug=NEWS_SLUG)
        print(f"--reuse: PostgreSQL {PG_DB} and the published files of an earlier run", flush=True)
    else:
        call_command("migrate", interactive=False, verbosity=0)
        _site, column = build_site(args.articles)
        connections.close_all()
        print(
            f"{args.articles} articles (+30 notices) built on PostgreSQL {PG_DB} in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        begun = time.perf_counter()
        result = manage(env, "publish_static", capture_output=True, text=True)
        print(
            f"publish_static ({time.perf_counter() - begun:.0f} s wall): {result.stdout.strip().splitlines()[-1]}",
            flush=True,
        )

    column_path = column.get_url_parts()[2]
    # The newest of the bulk articles (a later publish test's articles are newer).
    article_path = column.get_children().get(slug=f"a{args.articles}").get_url_parts()[2]
    home_path = "/"
    urls = [
        ("plain file (16 KB)", PLAIN_FILE),
        ("article", article_path),
        ("column page 1", column_path),
        (f"column page {args.deep_page}", f"{column_path}?page={args.deep_page}"),
        ("home page", home_path),
    ]
    with contextlib.ExitStack() as stack:
        upstream = stack.enter_context(_bootstrap.gunicorn(env, args.workers, HOST))
        port = stack.enter_context(nginx(PREFIX, PREFIX / "srv", upstream))
        fixed = stack.enter_context(
            nginx(PREFIX / "list-cache-fix", PREFIX / "srv", upstream, [LIST_CACHE_FIX])
        )
        print(
            f"gunicorn: {args.workers} sync workers on 127.0.0.1:{upstream}; nginx (2 workers) on "
            f"127.0.0.1:{port}, deploy/nginx as it is; a second nginx on 127.0.0.1:{fixed} with the "
            "list cache fix (proxy_ignore_headers Cache-Control Expires in @portal_app)"
        )
        for label, path in urls:
            status, headers, text = fetch(port, path)
            print(f"  {label:<18} {path:<26} {status} {len(text.encode()):>7} bytes from {source(headers)}")
        deep = urls[3][1]
        for name, at in (("as deployed", port), ("list cache fix", fixed)):
            answers = [source(fetch(at, deep)[1]) for _ in range(3)]
            print(f"  {deep} three times, {name}: {', '.join(answers)}")
        print(flush=True)

        nginx_rounds, direct_rounds = [], []
        for number in range(1, args.rounds + 1):
            rows = [(label, path, _bootstrap.wrk(port, path, args.seconds, HOST)) for label, path in urls]
            rows.append(
                (f"page {args.deep_page}, cache fix", deep, _bootstrap.wrk(fixed, deep, args.seconds, HOST))
            )
            nginx_rounds.append(rows)
            wrk_table(
                f"round {number}: through nginx (wrk -t2 -c8 -d{args.seconds}s)",
                rows,
                baseline=rows[0][2]["rps"],
            )
        for number in range(1, args.rounds + 1):
            rows = [
                (label, path, _bootstrap.wrk(upstream, path, args.seconds, HOST)) for label, path in urls[1:4]
            ]
            direct_rounds.append(rows)
            wrk_table(f"round {number}: gunicorn alone, {args.workers} sync workers (dynamic path)", rows)
            print(
                f"  page {args.deep_page} / page 1: {rows[2][2]['rps'] / rows[1][2]['rps']:.2f}\n", flush=True
            )

        print(
            f"publish → fresh: {args.publishes} new articles, polled every {POLL_SECONDS * 1000:.0f} ms",
            flush=True,
        )
        stack.enter_context(worker(env, PREFIX / "logs" / "worker.log"))
        totals, parts, failures = publish_to_fresh(port, column, home_path, args)

    print()
    print("Summary")
    for number, rows in enumerate(nginx_rounds, 1):
        base = rows[0][2]["rps"]
        ratios = ", ".join(f"{label} {r['rps'] / base:.2f}" for label, _path, r in rows[1:])
        print(f"  round {number}, × the plain file's {base:.0f} req/s: {ratios}  (issue: ≥ 0.5 each)")
    for number, rows in enumerate(direct_rounds, 1):
        print(
            f"  round {number}, gunicorn alone: article {rows[0][2]['rps']:.0f}, page 1 {rows[1][2]['rps']:.0f}, "
            f"page {args.deep_page} {rows[2][2]['rps']:.0f} req/s; page {args.deep_page} / page 1 "
            f"{rows[2][2]['rps'] / rows[1][2]['rps']:.2f}  (issue: ≥ 0.8)"
        )
    if totals:
        print(
            f"  publish → fresh ({len(totals)} of {args.publishes} fresh): p50 {statistics.median(totals):.2f} s, "
            f"p95 {quantile(totals, 0.95):.2f} s, max {max(totals):.2f} s  (issue: p95 ≤ 2 s)"
        )
        for part, values in parts.items():
            print(
                f"    {part:<7} p50 {statistics.median(values):.2f} s, p95 {quantile(values, 0.95):.2f} s, "
                f"max {max(values):.2f} s"
            )
    for failure in failures:
        print(f"  failed: {failure}")
    print(f"  whole run {time.perf_counter() - started:.0f} s; processes stopped; logs in {PREFIX}/logs/")


if __name__ == "__main__":
    main()
