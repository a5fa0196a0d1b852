"""Django's Redis cache backend, keeping one client per connection pool.

`django.core.cache.backends.redis` builds a new `redis.Redis` for every operation; with
redis-py 5 building one (its table of response callbacks) costs about 55 µs, a third of
a cache read on the benchmark machine, and every reader page makes at least one. redis-py
clients are thread-safe and take connections from their pool per command, so one client
per pool serves every thread. Selected by `REDIS_URL`/`CACHE_URL` (newsroom/settings.py).
"""

from django.core.cache.backends import redis


class _Client(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
