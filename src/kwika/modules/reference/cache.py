"""Reference lists cached in Redis under a version token, and in each process.

Readers look up the current version, then ``ref:<version>:<dataset>``. Any write bumps the
version to a new random token, so every process sees the change and old entries simply
expire (no key scanning). Each process also keeps what it read (and what it built from it:
validated records, the public lists) for the version it last saw, and asks Redis for the
version at most once a second: reference data is read on most requests and changes a few
times a year, so a request costs no Redis round trip. A write is visible at once in the
process that made it and within a second everywhere else. When Redis is down the lists come
straight from MongoDB.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from kwika.core import runtime
from kwika.core.cache import on_clear_local
from kwika.core.redis import REDIS_DOWN, redis_key

log = logging.getLogger(__name__)

VERSION_KEY = redis_key("ref", "version")
# Longer than any entry's TTL, so an entry can never outlive the version it was written under.
VERSION_TTL_SECONDS = 30 * 24 * 3600
# How stale another process's write may look here.
VERSION_CHECK_SECONDS = 1.0

Loader = Callable[[], Awaitable[list[dict[str, Any]]]]
T = TypeVar("T")


class _Local:
    """This process's copy, tied to the runtime it was read with (each test app has its own
    runtime and Redis, so nothing leaks from one to the next)."""

    def __init__(self, owner: object | None) -> None:
        self.owner = owner
        self.version: str | None = None
        self.checked_at = 0.0
        self.values: dict[str, Any] = {}

    def adopt(self, version: str) -> None:
        if version != self.version:
            self.values.clear()
            self.version = version
        self.checked_at = time.monotonic()


_local = _Local(None)


def _forget_local() -> None:
    global _local
    _local = _Local(None)


on_clear_local(_forget_local)


def _here() -> _Local:
    global _local
    owner = runtime.get()
    if _local.owner is not owner:
        _local = _Local(owner)
    return _local


async def _version() -> str:
    local = _here()
    if local.version is not None and time.monotonic() - local.checked_at < VERSION_CHECK_SECONDS:
        return local.version
    client = runtime.get().redis
    version = await client.get(VERSION_KEY)
    if version is None:
        await client.set(VERSION_KEY, secrets.token_hex(8), ex=VERSION_TTL_SECONDS, nx=True)
        version = await client.get(VERSION_KEY)
    text = version.decode() if isinstance(version, bytes) else str(version)
    local.adopt(text)
    return text


async def cached(dataset: str, loader: Loader) -> list[dict[str, Any]]:
    """The dataset from this process, Redis, or ``loader`` (then stored for the TTL)."""
    try:
        version = await _version()
        local = _here()
        held = local.values.get(f"raw:{dataset}")
        if held is not None:
            return list(held)
        client = runtime.get().redis
        key = redis_key("ref", version, dataset)
        raw = await client.get(key)
        if raw is not None:
            value: list[dict[str, Any]] = json.loads(raw)
            _keep(local, version, f"raw:{dataset}", value)
            return list(value)
    except REDIS_DOWN as exc:
        log.warning("reference cache unavailable (%s): reading MongoDB", exc)
        return await loader()
    value = await loader()
    ttl = runtime.get().settings.reference_cache_ttl_seconds
    try:
        await client.set(key, json.dumps(value, default=str), ex=ttl)
    except REDIS_DOWN as exc:
        log.warning("reference cache unavailable (%s)", exc)
    _keep(local, version, f"raw:{dataset}", value)
    return list(value)


async def derived(name: str, build: Callable[[], Awaitable[T]]) -> T:
    """A value built from cached datasets (validated records, a public list), kept in this
    process until the version changes. Callers must not mutate what they get."""
    try:
        version = await _version()
    except REDIS_DOWN:
        return await build()
    local = _here()
    if name in local.values and local.version == version:
        value: T = local.values[name]
        return value
    value = await build()
    _keep(local, version, name, value)
    return value


def _keep(local: _Local, version: str, name: str, value: Any) -> None:
    # Only under the version it was read with: a newer version seen meanwhile wins.
    if local.version == version:
        local.values[name] = value


async def invalidate() -> None:
    """Make every cached list stale at once (called after each write)."""
    version = secrets.token_hex(8)
    try:
        await runtime.get().redis.set(VERSION_KEY, version, ex=VERSION_TTL_SECONDS)
    except REDIS_DOWN as exc:
        # Entries expire within the TTL anyway; the write itself succeeded.
        log.warning("could not invalidate the reference cache (%s)", exc)
        _here().values.clear()
        return
    _here().adopt(version)
