"""Production's cache backend (config/redis_cache.py): Django's Redis cache with one redis-py
client per connection pool, against the real Redis at 127.0.0.1:6379 (database 12, or
PORTAL_TEST_HEALTH_REDIS_DB, under a key prefix of its own that it removes)."""

import os
import uuid

import pytest
import redis as redis_lib

from config.redis_cache import RedisCache

URL = f"redis://127.0.0.1:6379/{int(os.environ.get('PORTAL_TEST_HEALTH_REDIS_DB', 12))}"


@pytest.fixture
def cache():
    prefix = f"redis-cache-test-{uuid.uuid4().hex}"
    backend = RedisCache(URL, {"KEY_PREFIX": prefix})
    yield backend
    raw = redis_lib.Redis.from_url(URL)
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)
    raw.close()


def test_it_stores_and_answers_as_djangos_backend_does(cache):
    cache.set("token", "甲", timeout=None)
    assert cache.get("token") == "甲"
    assert cache.add("token", "乙") is False
    assert cache.get_many(["token", "missing"]) == {"token": "甲"}
    cache.set("count", 1)
    assert cache.incr("count") == 2
    cache.set_many({"a": [1, 2], "b": {"c": 3}})
    assert cache.get_many(["a", "b"]) == {"a": [1, 2], "b": {"c": 3}}
    cache.delete("a")
    assert cache.get("a", "gone") == "gone"


def test_every_operation_uses_the_one_client_of_its_pool(cache, monkeypatch):
    cache.get("warm")
    made = []
    original = redis_lib.Redis.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis_lib.Redis, "__init__", counted)
    for n in range(20):
        cache.set(f"k{n}", n)
        assert cache.get(f"k{n}") == n
    assert made == []  # Django's own backend makes a client per operation: 40 here
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=False)


def test_a_connection_the_server_dropped_is_replaced(cache):
    cache.set("token", "甲")
    client = cache._cache.get_client()
    own_id = client.client_id()
    # Redis drops this process's connection (a restart, a timeout) ...
    redis_lib.Redis.from_url(URL).client_kill_filter(_id=own_id)
    # ... the kept client's pool opens another one: the first command may meet the closed
    # socket, which redis-py retries once on a fresh connection.
    assert cache.get("token") == "甲"
    assert client.client_id() != own_id
