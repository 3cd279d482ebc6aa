"""Reference lists cached in Redis under a version token.

Readers look up the current version, then ``ref:<version>:<dataset>``. Any write bumps the
version to a new random token, so every process sees the change on its next read and old
entries simply expire (no key scanning, no stale reads after a write). When Redis is down
the lists come straight from MongoDB.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from kwika.core import runtime
from kwika.core.redis import REDIS_DOWN, redis_key

log = logging.getLogger(__name__)

VERSION_KEY = redis_key("ref", "version")
# Longer than any entry's TTL, so an entry can never outlive the version it was written under.
VERSION_TTL_SECONDS = 30 * 24 * 3600

Loader = Callable[[], Awaitable[list[dict[str, Any]]]]


async def _version() -> str:
    client = runtime.get().redis
    version = await client.get(VERSION_KEY)
    if version is None:
        await client.set(VERSION_KEY, secrets.token_hex(8), ex=VERSION_TTL_SECONDS, nx=True)
        version = await client.get(VERSION_KEY)
    return version.decode() if isinstance(version, bytes) else str(version)


async def cached(dataset: str, loader: Loader) -> list[dict[str, Any]]:
    """The dataset from Redis, or from ``loader`` (then stored for the configured TTL)."""
    try:
        client = runtime.get().redis
        key = redis_key("ref", await _version(), dataset)
        raw = await client.get(key)
        if raw is not None:
            value: list[dict[str, Any]] = json.loads(raw)
            return value
    except REDIS_DOWN as exc:
        log.warning("reference cache unavailable (%s): reading MongoDB", exc)
        return await loader()
    value = await loader()
    ttl = runtime.get().settings.reference_cache_ttl_seconds
    try:
        await client.set(key, json.dumps(value, default=str), ex=ttl)
    except REDIS_DOWN as exc:
        log.warning("reference cache unavailable (%s)", exc)
    return value


async def invalidate() -> None:
    """Make every cached list stale at once (called after each write)."""
    try:
        await runtime.get().redis.set(VERSION_KEY, secrets.token_hex(8), ex=VERSION_TTL_SECONDS)
    except REDIS_DOWN as exc:
        # Entries expire within the TTL anyway; the write itself succeeded.
        log.warning("could not invalidate the reference cache (%s)", exc)
