"""A Redis cache that keeps the portal up when Redis is not.

Every operation waits at most ``socket_timeout`` for Redis.  On a connection error or timeout
the cache falls back to this process's memory for ``RETRY_AFTER`` seconds, then tries Redis
again.  What reads the cache (dashboard figures, import progress, allauth's login rate limit)
keeps working: figures are recomputed, rate limits count per process instead of across
processes (weaker, never closed), progress shows the last saved row count."""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 15  # seconds
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Per server, shared by the per-thread cache instances of this process.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._server_key = str(server)
        self._fallback = LocMemCache(f"redis-fallback:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    def redis_available(self):
        return time.monotonic() >= _down_until.get(self._server_key, 0)

    def _call(self, name, *args, **kwargs):
        if self.redis_available():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as exc:
                with _lock:
                    if self.redis_available():
                        logger.warning(
                            "cache: Redis unreachable (%s); local memory for %ss", exc.__class__.__name__, RETRY_AFTER
                        )
                    _down_until[self._server_key] = time.monotonic() + RETRY_AFTER
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
