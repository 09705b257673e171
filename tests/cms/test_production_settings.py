"""Production settings refuse to start without Redis: throttles, question limits and
WeChat's locks live in the cache and must hold across workers."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "www.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",  # never connected
}
SCRIPT = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def run(**extra):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | BASE_ENV | extra
    return subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_redis():
    result = run()
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


def test_production_caches_in_redis():
    result = run(REDIS_URL="redis://127.0.0.1:6379/13")
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr[-300:]
