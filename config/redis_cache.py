"""Django's Redis cache backend, with one redis-py client per connection pool.

Django's backend makes a new `redis.Redis` for every cache operation
(`RedisCacheClient.get_client`), and making one fills its table of some 170 response
callbacks. Measured in process, that was most of what a cache read cost the application
apart from the round trip itself. Every dynamic request reads the cache at least once (the
shared tokens of sites/shared_token.py), and an answer from the rendered-page cache is one
read. So each pool's client is made once and kept. A client holds no connection of its
own (its pool does, and hands one out per command), which is how redis-py means a client to
be shared. Everything else (pools, serialisation, timeouts) is Django's.

Production and the benchmarks name it in CACHES: `config.redis_cache.RedisCache`.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
