"""What every benchmark does before it measures: put the repository on sys.path, give the
run a fresh database of its own and start Django; and what several of them measure with
(wrk over HTTP, waiting for the outbox's rows to settle).

A fresh clone after `make install` has no var/: the functions here create the folders
they write to. The scripts import this module first, as `_bootstrap` (running
`python bench/<script>.py` puts bench/ first on sys.path).
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# The PostgreSQL server a benchmark creates its database on.
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

# Real text for benchmark pages: three sentences of the city e-government centre's report.
SEED_PARAGRAPHS = [
    "2014年上半年，市电子政务中心围绕市委、市政府中心工作，进一步推进政府网站集约化建设。",
    "全市政府网站群平台运行稳定，市直部门和县市区网站统一部署、统一管理、统一安全防护。",
    "政府信息公开目录系统全面上线，主动公开政府信息，依申请公开渠道畅通。",
]

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def fresh_sqlite(path):
    """Delete the SQLite database at `path` with its -wal and -shm files, creating its
    folder if it is missing. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def fresh_postgres(name):
    """Drop the PostgreSQL database `name` on PG_SERVER (disconnecting any session left
    on it) and create it again. Returns its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{PG_SERVER}/{name}"


def fresh_database_env(env, *, sqlite_path=None, pg_db=None):
    """Point the environment `env` (a dict, changed in place and returned) at a fresh
    database: the PostgreSQL database `pg_db` when given, else the SQLite file
    `sqlite_path`."""
    if pg_db:
        env["DATABASE_URL"] = fresh_postgres(pg_db)
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(fresh_sqlite(sqlite_path))
    return env


def setup_django(settings_module):
    """Start Django with `settings_module` and the database os.environ selects."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    django.setup()


def setup_test_database(name):
    """Start Django with the test settings for a benchmark that makes Django's throwaway
    test database itself (connection.creation.create_test_db): the SQLite file
    var/bench_<name>.sqlite3 (SQLITE_TEST_PATH overrides it), or a test_ database next to
    DATABASE_URL when that is set."""
    path = Path(os.environ.setdefault("SQLITE_TEST_PATH", str(VAR / f"bench_{name}.sqlite3")))
    path.parent.mkdir(parents=True, exist_ok=True)
    setup_django("config.settings.test")


def free_port(host="127.0.0.1"):
    """A TCP port nothing listens on at `host` now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, workers, host, path="/", *, timeout=30):
    """gunicorn serving the project (config.wsgi) with `workers` sync workers on a free port
    of 127.0.0.1, in the environment `env` (its DJANGO_SETTINGS_MODULE and database). Yields
    the port once `path` answers 200 to a GET with the Host header `host`; raises if
    gunicorn exits or does not answer within `timeout` seconds. Stopped on leaving (also
    on an error)."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn and project
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})  # noqa: S310
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - 127.0.0.1
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer {path} within {timeout} s")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# Outbox rows that will not run again.
FINAL = ("delivered", "failed", "superseded")


def wait_final(rows, timeout, step=0.05):
    """Wait until every Delivery row of `rows` is final; False if `timeout` s passed first."""
    deadline = time.monotonic() + timeout
    while rows.exclude(status__in=FINAL).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(port, path, seconds, host, headers=()):
    """wrk -t2 -c8 for `seconds` against 127.0.0.1:`port``path` with Host `host` (and more
    headers): a dict of rps, p50 and p99 (ms), non2xx and errors (socket errors)."""
    extra = [arg for header in headers for arg in ("-H", header)]
    result = subprocess.run(  # noqa: S603 - wrk against our own server
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Host: {host}",
            *extra,
        ]
        + [f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def latency(percent):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
        return float(match.group(1)) * WRK_UNITS[match.group(2)] if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{out}\n{result.stderr}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }
