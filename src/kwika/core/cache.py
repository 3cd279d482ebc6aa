"""Read-through caching in Redis with per-key version tokens and hit-ratio counters.

A value is stored under ``cache:<namespace>:<key>:v<version>``. Invalidating a key bumps its
version, so a change is visible at once in every process, and a reader that loaded the old
value while the write happened can only store it under the old version, where nobody looks
any more. Both lookups (version, then value) and the hit counter are one Lua call: a
cached read is one Redis round trip. Each process also keeps the validated schemas it read,
per key and version, so a hit skips decoding and validation (the version still comes from
Redis on every read: a change is visible at once everywhere).

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

# KEYS: version key, stats key. ARGV: value key prefix, stats TTL, the version this
# process holds (then the value is not sent back: the caller has it).
_READ = """
local version = redis.call('GET', KEYS[1]) or '0'
local value = redis.call('GET', ARGV[1] .. version)
redis.call('HINCRBY', KEYS[2], value and 'hits' or 'misses', 1)
redis.call('EXPIRE', KEYS[2], ARGV[2])
if value and version == ARGV[3] then return {version, 1} end
return {version, value}
"""
# Validated schemas held per namespace (the most recently read keys).
LOCAL_ENTRIES = 512
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


# Process-local copies that other caches keep (reference data): cleared with the Cache ones.
_local_clearers: list[Callable[[], None]] = []


def on_clear_local(clear: Callable[[], None]) -> None:
    """Register a process-local copy to drop in :func:`clear_local`."""
    _local_clearers.append(clear)


def clear_local() -> None:
    """Drop every process-local copy, so the next read asks Redis (after Redis was
    emptied: a test's reset, or an operator's flush)."""
    for cache in Cache.registry.values():
        cache._local.clear()
    for clear in _local_clearers:
        clear()


class Cache:
    """One namespace of cached JSON documents (a public profile, a service detail...)."""

    registry: dict[str, Cache] = {}

    def __init__(self, namespace: str, ttl_seconds: int | None = None) -> None:
        """``ttl_seconds`` None means the ``KWIKA_PUBLIC_CACHE_TTL_SECONDS`` setting."""
        self.namespace = namespace
        self._ttl_seconds = ttl_seconds
        # key -> (version, validated schema); insertion order is the eviction order.
        self._local: dict[str, tuple[str, BaseModel]] = {}
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

    async def _read(self, key: str, held: str = "") -> tuple[str, Any]:
        """``(version, value)``; the value is ``1`` when it is the ``held`` version's."""
        version, raw = await runtime.get().redis.eval(
            _READ,
            2,
            self._version_key(key),
            self._stats_key(),
            self._value_prefix(key),
            STATS_TTL_SECONDS,
            held,
        )
        return (version.decode() if isinstance(version, bytes) else str(version)), raw

    async def get_or_load(self, key: str, loader: Loader) -> dict[str, Any] | None:
        """The cached value, else ``loader()`` stored for the TTL (None is never cached)."""
        try:
            version, raw = await self._read(key)
        except REDIS_DOWN as exc:
            log.warning("cache %s unavailable (%s): loading", self.namespace, exc)
            return await loader()
        if raw is not None:
            value: dict[str, Any] = json.loads(raw)
            return value
        return await self._load_and_store(key, version, loader)

    async def _load_and_store(
        self, key: str, version: str, loader: Loader
    ) -> dict[str, Any] | None:
        client = runtime.get().redis
        value = await loader()
        if value is not None:
            try:
                await client.set(
                    self._value_prefix(key) + version,
                    json.dumps(value, default=str),
                    ex=self.ttl_seconds,
                )
            except REDIS_DOWN as exc:
                log.warning("cache %s unavailable (%s)", self.namespace, exc)
        return value

    async def model(self, key: str, schema: type[M], loader: Callable[[], Awaitable[M]]) -> M:
        """A cached response schema; what ``loader`` raises (a 404) is raised, not cached.
        Each call gets its own (shallow) copy."""

        async def load() -> dict[str, Any]:
            return (await loader()).model_dump(mode="json")

        held = self._local.get(key)
        try:
            version, raw = await self._read(key, held[0] if held else "")
        except REDIS_DOWN as exc:
            log.warning("cache %s unavailable (%s): loading", self.namespace, exc)
            return await loader()
        if raw == 1 and held is not None and isinstance(held[1], schema):
            return held[1].model_copy()
        if raw is not None and raw != 1:
            document = json.loads(raw)
        else:
            document = await self._load_and_store(key, version, load)
        assert document is not None
        page = schema.model_validate(document)
        self._hold(key, version, page)
        return page.model_copy()

    def _hold(self, key: str, version: str, page: BaseModel) -> None:
        self._local.pop(key, None)
        self._local[key] = (version, page)
        if len(self._local) > LOCAL_ENTRIES:
            del self._local[next(iter(self._local))]

    async def invalidate(self, key: str) -> None:
        """Make the cached value stale everywhere, now (call after every write)."""
        client = runtime.get().redis
        try:
            async with client.pipeline(transaction=True) as pipe:
                pipe.incr(self._version_key(key))
                pipe.expire(self._version_key(key), VERSION_TTL_SECONDS)
                await pipe.execute()
        except REDIS_DOWN as exc:
            # The write succeeded; entries expire within the TTL. Say so loudly.
            log.error("could not invalidate %s:%s (%s)", self.namespace, key, exc)

    async def stats(self) -> CacheStats:
        raw = await runtime.get().redis.hgetall(self._stats_key())
        values = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}
        return CacheStats(self.namespace, values.get("hits", 0), values.get("misses", 0))


async def all_stats() -> list[CacheStats]:
    return [await cache.stats() for cache in Cache.registry.values()]
