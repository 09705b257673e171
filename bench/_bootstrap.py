"""What every benchmark does before it measures: put the repository on sys.path, give the
run a fresh database of its own and start Django.

A fresh clone after `make install` has no var/: the functions here create the folders
they write to. The scripts import this module first, as `_bootstrap` (running
`python bench/<script>.py` puts bench/ first on sys.path).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# The PostgreSQL server a benchmark creates its database on.
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

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
