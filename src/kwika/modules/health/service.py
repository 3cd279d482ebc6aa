"""Dependency checks for readiness."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from kwika.core import db, runtime
from kwika.modules.health.exceptions import NotReady
from kwika.modules.health.schemas import Readiness

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0


async def _check(name: str, probe: Any) -> tuple[str, str | None]:
    try:
        await asyncio.wait_for(probe(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        # Details go to the log, not to an unauthenticated probe.
        log.warning("readiness: %s unavailable: %s: %s", name, type(exc).__name__, exc)
        return name, "timeout" if isinstance(exc, TimeoutError) else "unavailable"
    return name, None


def _ping_broker(broker: dramatiq.Broker) -> None:
    if not isinstance(broker, RedisBroker):
        raise TypeError(f"unexpected broker {type(broker).__name__}")
    broker.client.ping()


async def readiness() -> dict[str, str | None]:
    """Each dependency mapped to None when healthy, else the reason it failed."""
    rt = runtime.get()
    results = await asyncio.gather(
        _check("mongodb", lambda: db.ping(rt.db)),
        _check("redis", rt.redis.ping),
        _check("broker", lambda: asyncio.to_thread(_ping_broker, rt.broker)),
    )
    return dict(results)


async def ready() -> Readiness:
    """Every dependency answered, or 503 naming each that did not (reason in ``checks``)."""
    results = await readiness()
    failing = sorted(name for name, problem in results.items() if problem)
    checks = {name: problem or "ok" for name, problem in results.items()}
    if failing:
        raise NotReady(failing, checks)
    return Readiness(checks=checks)
