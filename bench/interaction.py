"""Interaction benchmark (issue 16): letters written through the web form over HTTP, and the
mailbox statistics page as the number of letters grows.

    python bench/interaction.py [--part statistics|http|both] [--small 1000] [--large 100000]
                                [--seconds 15] [--clients 8] [--workers 2]

statistics  in-process, on the database the environment selects (a throwaway test database
            as bench/render.py makes it): the statistics page of one mailbox for 2014 H1 at
            `--small` and at `--large` letters — its query count and median time, and the
            large/small ratio (flat means ≈ 1; the page reads the per-day table, never the
            letters).
http        gunicorn with `--workers` sync workers on a fresh PostgreSQL database
            (BENCH_PG_URL), `--clients` concurrent clients for `--seconds` each: letters
            written through the form (a GET of the form for its challenge, then the POST, as
            a browser does), against the GET of the same form page alone in the same run
            (the baseline: what the workers serve when nothing is stored). The query
            password is hashed with Django's default hasher (PBKDF2), as in production:
            that is most of a submission's cost.

The script prints figures; it asserts nothing about time.
"""

import argparse
import datetime as dt
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

import _bootstrap

# This script's name is the app's: Django must import the app, not this file, as
# `interaction` (`python bench/interaction.py` puts bench/ first on sys.path).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

HOST = "www.bench.localhost"
MAILBOX_PATH = "/hdjl/zxts/"
NUMBERS = "零一二三四五六七八九十"


def build_mailbox():
    """A site with a 互动交流 column and a 市长信箱 of the municipal government office."""
    from cms.models import ColumnPage, Organisation
    from interaction.mailbox import MailboxPage
    from sites.provisioning import provision_site

    provisioned = provision_site(
        hostname=HOST,
        site_name="郴州市人民政府",
        site_code="4310000001",
        host_organisation="郴州市人民政府办公室",
    )
    hub = ColumnPage(title="互动交流", slug="hdjl", column_type="咨询投诉", show_in_menus=True)
    provisioned.home.add_child(instance=hub)
    hub.save_revision().publish()
    office = Organisation.objects.create(name="郴州市人民政府办公室", credit_code="11431000006170001X")
    mailbox = MailboxPage(title="市长信箱", slug="zxts", organisation=office)
    hub.add_child(instance=mailbox)
    mailbox.save_revision().publish()
    units = [
        Organisation.objects.create(name=name, credit_code=f"1143100000617{n:04d}X")
        for n, name in enumerate(("市住房和城乡建设局", "市公安局", "市教育局", "市人力资源和社会保障局"), 2)
    ]
    return mailbox, units


def add_letters(mailbox, units, start, count):
    """Insert `count` letters of 2014 in bulk (most replied, some declined, a few open), then
    rebuild the per-day table as `letter_statistics_rebuild` would after an import."""
    from django.contrib.auth.hashers import make_password

    from cms.workdays import add_working_days
    from interaction.letter_statistics import rebuild
    from interaction.mailbox import Letter, LetterStatus

    rng = random.Random(start)
    password = make_password("bench-password", hasher="md5")  # the hash is not measured here
    base = dt.datetime(2014, 1, 1, 9, tzinfo=dt.UTC)
    batch = []
    for n in range(start, start + count):
        submitted = base + dt.timedelta(minutes=(n * 7919) % (365 * 24 * 60))
        received = submitted.date()
        roll = rng.random()
        letter = Letter(
            mailbox=mailbox,
            tracking_code=f"B{n:012d}",
            password_hash=password,
            category="suggest",
            title=f"关于小区停车难的建议（第{n}封）",
            content="我们小区停车位不足，建议增设停车位。",
            submitted_at=submitted,
            accept_due=add_working_days(received, 2),
            reply_due=add_working_days(received, 15),
        )
        if roll < 0.04:
            letter.status = LetterStatus.REJECTED
            letter.rejection_reason = "不属于受理范围。"
        elif roll < 0.10:
            letter.status = LetterStatus.ASSIGNED
            letter.handling_unit = units[n % len(units)]
        else:
            letter.status = LetterStatus.REPLIED
            letter.handling_unit = units[n % len(units)]
            letter.accepted_at = submitted + dt.timedelta(hours=20)
            letter.replied_at = submitted + dt.timedelta(days=rng.randint(2, 30))
            letter.reply = "经核实，已责成有关部门处理。"
            letter.reply_unit = letter.handling_unit.name
            if roll < 0.5:
                letter.satisfaction = rng.choice((1, 2, 3, 3))
                letter.evaluated_at = letter.replied_at + dt.timedelta(days=1)
        batch.append(letter)
        if len(batch) == 5000:
            Letter.objects.bulk_create(batch)
            batch = []
    Letter.objects.bulk_create(batch)
    rebuild([mailbox.pk])


def measure_page(client, url, requests):
    from django.db import connection

    for _ in range(3):  # warm caches (site root paths, templates)
        assert client.get(url, HTTP_HOST=HOST).status_code == 200
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(url, HTTP_HOST=HOST)
    wall = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST=HOST)
        wall.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(wall) * 1000


def run_statistics(args):
    _bootstrap.setup_test_database("interaction")
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from interaction.mailbox import Letter

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    cache.clear()
    mailbox, units = build_mailbox()
    client = Client()
    url = MAILBOX_PATH + "tongji/?year=2014&span=h1"
    results, created = {}, 0
    for size in (args.small, args.large):
        started = time.perf_counter()
        add_letters(mailbox, units, created + 1, size - created)
        created = size
        print(f"{Letter.objects.count():>7} letters loaded in {time.perf_counter() - started:.1f} s")
        results[size] = measure_page(client, url, args.requests)
        queries, median = results[size]
        print(f"  statistics page (2014 H1): {queries} queries, median {median:.1f} ms")
    (q_small, t_small), (q_large, t_large) = results[args.small], results[args.large]
    print(
        f"statistics page at {args.large:,} / {args.small:,} letters: time ratio {t_large / t_small:.2f}, "
        f"queries {q_small} → {q_large} ({connection.vendor})"
    )


# -- letters over HTTP -------------------------------------------------------------------


def solve(html):
    """The form's hidden fields (CSRF and challenge tokens) and the answer to its arithmetic
    question (e.g. 三加五等于几？)."""
    hidden = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value:
            hidden[name.group(1)] = unescape(value.group(1))
    question = re.search(f"([{NUMBERS}])加([{NUMBERS}])等于几", html)
    if "token" not in hidden or not question:
        raise RuntimeError("the form has no challenge")
    return hidden, NUMBERS.index(question.group(1)) + NUMBERS.index(question.group(2))


def load(base, seconds, clients, action):
    """Run `action(opener)` from `clients` threads for `seconds`; (done per second, errors)."""
    done, errors, stop = [0], [0], time.perf_counter() + seconds
    lock = threading.Lock()

    def worker():
        # A browser's cookie jar: the form's CSRF cookie comes back with its POST.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        while time.perf_counter() < stop:
            try:
                ok = action(opener)
            except (urllib.error.URLError, OSError, RuntimeError):
                ok = False
            with lock:
                done[0] += ok
                errors[0] += not ok

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def http_get(opener, url):
    request = urllib.request.Request(url, headers={"Host": HOST})  # noqa: S310 - http://127.0.0.1 only
    with opener.open(request, timeout=30) as response:  # noqa: S310 - our own server on 127.0.0.1
        return response.status, response.read().decode()


def run_http(args):
    env = dict(os.environ)
    env["DATABASE_URL"] = _bootstrap.fresh_postgres("bench_interaction_http")
    env["DJANGO_SETTINGS_MODULE"] = "bench.http_settings"
    env["PYTHONPATH"] = str(_bootstrap.ROOT)
    manage = [sys.executable, str(_bootstrap.ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    script = (
        "import sys; sys.path.append('bench'); from bench.interaction import build_mailbox; build_mailbox()"
    )
    subprocess.run([*manage, "shell", "-c", script], env=env, check=True, cwd=_bootstrap.ROOT)  # noqa: S603
    for label, extra in (
        ("Django's default hasher (PBKDF2), as in production", {}),
        ("a fast hasher (MD5), to show the rest of a submission's cost", {"BENCH_FAST_HASHER": "1"}),
    ):
        print(f"query password hashed with {label}:")
        with _bootstrap.gunicorn({**env, **extra}, args.workers, HOST, MAILBOX_PATH) as port:
            measure_http(f"http://127.0.0.1:{port}", args)
    check = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", "from interaction.mailbox import Letter; print(Letter.objects.count(), "
         "Letter.objects.values('tracking_code').distinct().count())"],
        env=env, check=True, capture_output=True, text=True, cwd=_bootstrap.ROOT,
    )  # fmt: skip
    stored, unique = check.stdout.strip().splitlines()[-1].split()
    print(f"letters stored {stored}, unique tracking codes {unique}")


def measure_http(base, args):
    """Two rounds of: the form page's GET alone (the baseline), then letters written."""
    form_url = base + MAILBOX_PATH + "xiexin/"

    def read_form(opener):
        return http_get(opener, form_url)[0] == 200

    def write_letter(opener):
        status, html = http_get(opener, form_url)
        hidden, answer = solve(html)
        data = urllib.parse.urlencode(
            {
                **hidden,
                "category": "suggest",
                "title": "关于小区停车难的建议",
                "content": f"我们小区停车位不足，建议增设停车位。编号{random.random()}",  # noqa: S311
                "consent_publish": "on",
                "answer": str(answer),
            }
        ).encode()
        request = urllib.request.Request(form_url, data=data, headers={"Host": HOST})  # noqa: S310
        try:
            with opener.open(request, timeout=30) as response:  # noqa: S310
                return response.status == 201
        except urllib.error.HTTPError as error:
            return error.code == 201

    for round_number in (1, 2):
        baseline, base_errors = load(base, args.seconds, args.clients, read_form)
        written, errors = load(base, args.seconds, args.clients, write_letter)
        print(
            f"  round {round_number}: form page GET {baseline:.1f} req/s ({base_errors} errors); "
            f"letters written {written:.1f}/s ({errors} errors); ratio {written / baseline:.3f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("statistics", "http", "both"), default="both")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.part == "both":
        # Each part starts Django with its own settings: one process each.
        options = [f"--{name}={value}" for name, value in vars(args).items() if name != "part"]
        for part in ("statistics", "http"):
            subprocess.run([sys.executable, __file__, "--part", part, *options], check=True)  # noqa: S603
    elif args.part == "statistics":
        run_statistics(args)
    else:
        run_http(args)


if __name__ == "__main__":
    main()
