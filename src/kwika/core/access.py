"""Counting public views cheaply (seed 000 1.2: access counts for ranking).

Views are counted in memory per process and added to a Redis hash with ``HINCRBY`` (one
pipeline) at most a second later, before :func:`take_pending` reads them and when the
process stops, so counts stay exact across processes while a page view costs no Redis round
trip. The module that ranks (discovery) takes the counts in batches with
:func:`take_pending`. Modules that serve public pages call :func:`record_view` without
depending on the ranking module.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter

from bson import ObjectId

from kwika.core import runtime
from kwika.core.redis import REDIS_DOWN, redis_key

PENDING_KEY = redis_key("views", "pending")
PENDING_TTL_SECONDS = 7 * 24 * 3600
FLUSH_SECONDS = 1.0

log = logging.getLogger(__name__)

_unflushed: Counter[str] = Counter()
# The pending flush timer and the loop it runs on (a process may run several loops in turn).
_scheduled: list[tuple[asyncio.AbstractEventLoop, asyncio.TimerHandle]] = []
_flushing: set[asyncio.Task[None]] = set()

_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""


async def record_view(kind: str, ref_id: str | ObjectId) -> None:
    """Count one public view; never fails the page that shows the object."""
    _unflushed[f"{kind}:{ref_id}"] += 1
    loop = asyncio.get_running_loop()
    if not _scheduled or _scheduled[0][0] is not loop:
        _cancel_timer()
        _scheduled.append((loop, loop.call_later(FLUSH_SECONDS, _flush_soon)))


def _cancel_timer() -> None:
    for _, handle in _scheduled:
        handle.cancel()
    _scheduled.clear()


def _flush_soon() -> None:
    _scheduled.clear()
    task = asyncio.get_running_loop().create_task(flush())
    _flushing.add(task)
    task.add_done_callback(_flushing.discard)


async def flush() -> None:
    """Add this process's counted views to the shared hash (also on shutdown)."""
    _cancel_timer()
    if not _unflushed:
        return
    counts = dict(_unflushed)
    _unflushed.clear()
    try:
        async with runtime.get().redis.pipeline(transaction=False) as pipe:
            for key, count in counts.items():
                pipe.hincrby(PENDING_KEY, key, count)
            pipe.expire(PENDING_KEY, PENDING_TTL_SECONDS)
            await pipe.execute()
    except REDIS_DOWN:
        _unflushed.update(counts)  # kept for the next flush
        log.warning("views not counted yet: Redis is unavailable")


def forget_unflushed() -> None:
    """Drop views not flushed yet (tests, between two tests)."""
    _cancel_timer()
    _unflushed.clear()


async def take_pending() -> dict[str, int]:
    """Atomically take the counts collected so far (new views start a fresh hash)."""
    await flush()
    client = runtime.get().redis
    batch = redis_key("views", "flushing", uuid.uuid4().hex)
    if not await client.eval(_TAKE, 2, PENDING_KEY, batch, PENDING_TTL_SECONDS):
        return {}
    raw = await client.hgetall(batch)
    await client.delete(batch)
    return {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}
