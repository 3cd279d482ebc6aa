"""Atomic Redis rate limits, correct across API processes (ENGINEERING.md pitfall 7).

A window starts at the first hit and lasts ``window`` seconds. When Redis is unreachable the
caller gets a 503 rather than an unlimited endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from kwika.core import runtime
from kwika.core.errors import DependencyUnavailable, RateLimited
from kwika.core.redis import REDIS_DOWN, redis_key

_HIT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}
"""


@dataclass(frozen=True)
class Usage:
    count: int
    retry_after: int


def _key(scope: str, subject: str) -> str:
    return redis_key("rl", scope, subject)


def _seconds(ms: int) -> int:
    return max(1, -(-ms // 1000))


async def hit(scope: str, subject: str, window_seconds: int, amount: int = 1) -> Usage:
    """Count ``amount`` against the window and return the new total."""
    try:
        count, ttl_ms = await runtime.get().redis.eval(
            _HIT, 1, _key(scope, subject), amount, window_seconds * 1000
        )
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc
    return Usage(int(count), _seconds(int(ttl_ms)))


async def limit(
    scope: str, subject: str, limit: int, window_seconds: int, message: str | None = None
) -> None:
    """Count one hit and refuse with 429 once more than ``limit`` happened in the window."""
    usage = await hit(scope, subject, window_seconds)
    if usage.count > limit:
        raise RateLimited(usage.retry_after, message)


@dataclass(frozen=True)
class Budget:
    """At most ``limit`` attempts per ``window_seconds`` for one subject (account, address)."""

    scope: str
    limit: int
    window_seconds: int


async def spend(charges: list[tuple[Budget, str]], message: str | None = None) -> None:
    """Count one attempt against each budget *before* doing the work.

    Counting first is what makes the limit hold under concurrency: of N simultaneous
    attempts only ``limit`` ever get through. Callers give back what a success should not
    cost with :func:`refund` or :func:`reset`.
    """
    refused = 0
    for budget, subject in charges:
        usage = await hit(budget.scope, subject, budget.window_seconds)
        if usage.count > budget.limit:
            refused = max(refused, usage.retry_after)
    if refused:
        raise RateLimited(refused, message)


async def refund(budget: Budget, subject: str) -> None:
    await hit(budget.scope, subject, budget.window_seconds, amount=-1)


async def reset(scope: str, subject: str) -> None:
    try:
        await runtime.get().redis.delete(_key(scope, subject))
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc


async def cooldown(scope: str, subject: str, seconds: int, message: str | None = None) -> None:
    """Allow one action per ``seconds``; a second one inside the gap is a 429."""
    key = _key(scope, subject)
    try:
        client = runtime.get().redis
        if await client.set(key, 1, ex=seconds, nx=True):
            return
        ttl = await client.ttl(key)
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc
    raise RateLimited(max(1, int(ttl)), message)


async def release_cooldown(scope: str, subject: str) -> None:
    await reset(scope, subject)
