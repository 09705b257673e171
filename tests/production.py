"""The production settings read in a fresh interpreter: they are evaluated once, at import,
from the environment, so each case gets its own process with its own variables.

The base environment is the least production accepts (no Redis: a test that needs it says
so); variables of this machine that would change the answer (REDIS_URL, the S3 and CSP
ones) are left out."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "www.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",  # never connected
}
REDIS_URL = "redis://127.0.0.1:6379/13"


def run_production(script, **env):
    """Run `script` (Python source) under the production settings with `env` added."""
    inherited = {
        k: v for k, v in os.environ.items() if k != "REDIS_URL" and not k.startswith(("AWS_", "CSP_"))
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        env=inherited | BASE_ENV | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def production_settings(*expressions, **env):
    """The printed values of `expressions` (on `settings`) under production with Redis."""
    script = "from django.conf import settings\n" + "".join(f"print({e})\n" for e in expressions)
    result = run_production(script, **{"REDIS_URL": REDIS_URL, **env})
    assert result.returncode == 0, result.stderr[-500:]
    return result.stdout.split("\n")[: len(expressions)]
