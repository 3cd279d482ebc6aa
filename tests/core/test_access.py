"""Public views are counted in memory and reach the shared Redis hash exactly."""

from kwika.core import access, runtime


async def test_views_counted_in_memory_reach_redis_exactly_once(app):
    for _ in range(3):
        await access.record_view("service", "a1")
    await access.record_view("provider", "b2")
    await access.flush()  # what the timer and shutdown do
    await access.flush()  # nothing counted twice
    raw = await runtime.get().redis.hgetall(access.PENDING_KEY)
    counts = {k.decode(): int(v) for k, v in raw.items()}
    assert counts == {"service:a1": 3, "provider:b2": 1}


async def test_taking_the_counts_includes_views_not_flushed_yet(app):
    await access.record_view("service", "c3")
    assert await access.take_pending() == {"service:c3": 1}
    assert await access.take_pending() == {}
