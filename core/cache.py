"""A Redis cache that keeps the portal up when Redis is not.

Every operation waits at most ``socket_timeout`` for Redis.  On a connection error or timeout
the cache falls back to this process's memory for ``RETRY_AFTER`` seconds, then tries Redis
again.  What reads the cache (dashboard figures, import progress, allauth's login rate limit)
keeps working: figures are recomputed, rate limits count per process instead of across
processes (weaker, never closed), progress shows the last saved row count."""

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any, cast

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
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._server_key = str(server)
        self._fallback = LocMemCache(f"redis-fallback:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    def redis_available(self) -> bool:
        return time.monotonic() >= _down_until.get(self._server_key, 0)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The cache method ``name`` of Redis, or of the local memory while Redis is away."""
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

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return cast(bool, self._call("add", key, value, timeout, version))

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return cast(bool, self._call("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return cast(bool, self._call("delete", key, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return cast(dict[Any, Any], self._call("get_many", keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return cast(bool, self._call("has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return cast(int, self._call("incr", key, delta, version))

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return cast(list[Any], self._call("set_many", data, timeout, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._call("delete_many", keys, version)

    def clear(self) -> None:
        self._fallback.clear()
        self._call("clear")
