"""Read-through caching in Redis with per-key version tokens and hit-ratio counters.

A value is stored under ``cache:<namespace>:<key>:v<version>``. Invalidating a key bumps its
version, so a change is visible at once in every process, and a reader that loaded the old
value while the write happened can only store it under the old version, where nobody looks
any more. Both lookups (version, then value) are one Lua call.

Redis being down never fails a read: the loader answers and nothing is counted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from kwika.core import runtime
from kwika.core.redis import REDIS_DOWN, redis_key

log = logging.getLogger(__name__)

_READ = """
local version = redis.call('GET', KEYS[1]) or '0'
return {version, redis.call('GET', ARGV[1] .. version)}
"""
STATS_TTL_SECONDS = 30 * 24 * 3600
VERSION_TTL_SECONDS = 30 * 24 * 3600

Loader = Callable[[], Awaitable[dict[str, Any] | None]]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class CacheStats:
    namespace: str
    hits: int
    misses: int

    @property
    def hit_ratio(self) -> float | None:
        total = self.hits + self.misses
        return round(self.hits / total, 4) if total else None


class Cache:
    """One namespace of cached JSON documents (a public profile, a service detail...)."""

    registry: dict[str, Cache] = {}

    def __init__(self, namespace: str, ttl_seconds: int | None = None) -> None:
        """``ttl_seconds`` None means the ``KWIKA_PUBLIC_CACHE_TTL_SECONDS`` setting."""
        self.namespace = namespace
        self._ttl_seconds = ttl_seconds
        Cache.registry[namespace] = self

    @property
    def ttl_seconds(self) -> int:
        if self._ttl_seconds is not None:
            return self._ttl_seconds
        return runtime.get().settings.public_cache_ttl_seconds

    def _version_key(self, key: str) -> str:
        return redis_key("cache", self.namespace, key, "version")

    def _value_prefix(self, key: str) -> str:
        return redis_key("cache", self.namespace, key, "v")

    def _stats_key(self) -> str:
        return redis_key("cache", "stats", self.namespace)

    async def get_or_load(self, key: str, loader: Loader) -> dict[str, Any] | None:
        """The cached value, else ``loader()`` stored for the TTL (None is never cached)."""
        client = runtime.get().redis
        try:
            version, raw = await client.eval(
                _READ, 1, self._version_key(key), self._value_prefix(key)
            )
        except REDIS_DOWN as exc:
            log.warning("cache %s unavailable (%s): loading", self.namespace, exc)
            return await loader()
        version = version.decode() if isinstance(version, bytes) else str(version)
        if raw is not None:
            await self._count("hits")
            value: dict[str, Any] = json.loads(raw)
            return value
        await self._count("misses")
        loaded = await loader()
        if loaded is not None:
            try:
                await client.set(
                    self._value_prefix(key) + version,
                    json.dumps(loaded, default=str),
                    ex=self.ttl_seconds,
                )
            except REDIS_DOWN as exc:
                log.warning("cache %s unavailable (%s)", self.namespace, exc)
        return loaded

    async def model(self, key: str, schema: type[M], loader: Callable[[], Awaitable[M]]) -> M:
        """A cached response schema; what ``loader`` raises (a 404) is raised, not cached."""

        async def load() -> dict[str, Any]:
            return (await loader()).model_dump(mode="json")

        cached = await self.get_or_load(key, load)
        assert cached is not None
        return schema.model_validate(cached)

    async def invalidate(self, key: str) -> None:
        """Make the cached value stale everywhere, now (call after every write)."""
        client = runtime.get().redis
        try:
            async with client.pipeline(transaction=True) as pipe:
                # One call per line: redis-py types a queued command as an awaitable, not as
                # the pipeline it returns.
                pipe.incr(self._version_key(key))
                pipe.expire(self._version_key(key), VERSION_TTL_SECONDS)
                await pipe.execute()
        except REDIS_DOWN as exc:
            # The write succeeded; entries expire within the TTL. Say so loudly.
            log.error("could not invalidate %s:%s (%s)", self.namespace, key, exc)

    async def _count(self, field: str) -> None:
        client = runtime.get().redis
        try:
            async with client.pipeline(transaction=False) as pipe:
                pipe.hincrby(self._stats_key(), field, 1)
                pipe.expire(self._stats_key(), STATS_TTL_SECONDS)
                await pipe.execute()
        except REDIS_DOWN:
            return

    async def stats(self) -> CacheStats:
        raw = await runtime.get().redis.hgetall(self._stats_key())
        values = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}
        return CacheStats(self.namespace, values.get("hits", 0), values.get("misses", 0))


async def all_stats() -> list[CacheStats]:
    return [await cache.stats() for cache in Cache.registry.values()]
