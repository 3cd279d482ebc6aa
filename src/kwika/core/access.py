"""Counting public views cheaply (seed 000 1.2: access counts for ranking).

A view is one ``HINCRBY`` on a Redis hash; the module that ranks (discovery) takes the
counts in batches with :func:`take_pending`. Modules that serve public pages call
:func:`record_view` without depending on the ranking module.
"""

from __future__ import annotations

import uuid

from bson import ObjectId

from kwika.core import runtime
from kwika.core.redis import REDIS_DOWN, redis_key

PENDING_KEY = redis_key("views", "pending")
PENDING_TTL_SECONDS = 7 * 24 * 3600

_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""


async def record_view(kind: str, ref_id: str | ObjectId) -> None:
    """Count one public view; never fails the page that shows the object."""
    try:
        async with runtime.get().redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(PENDING_KEY, f"{kind}:{ref_id}", 1)
            pipe.expire(PENDING_KEY, PENDING_TTL_SECONDS)
            await pipe.execute()
    except REDIS_DOWN:
        return


async def take_pending() -> dict[str, int]:
    """Atomically take the counts collected so far (new views start a fresh hash)."""
    client = runtime.get().redis
    batch = redis_key("views", "flushing", uuid.uuid4().hex)
    if not await client.eval(_TAKE, 2, PENDING_KEY, batch, PENDING_TTL_SECONDS):
        return {}
    raw = await client.hgetall(batch)
    await client.delete(batch)
    return {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}
