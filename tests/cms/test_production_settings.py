"""Production settings refuse to start without Redis: throttles, question limits and
WeChat's locks live in the cache and must hold across workers."""

from tests.production import REDIS_URL, run_production

SCRIPT = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def run(**extra):
    return run_production(SCRIPT, **extra)


def test_production_refuses_to_start_without_redis():
    result = run()
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


def test_production_caches_in_redis():
    result = run(REDIS_URL=REDIS_URL)
    assert result.stdout.strip() == "config.redis_cache.RedisCache", result.stderr[-300:]
