"""Periodic actors, scheduled from every API/worker process without double sends.

Each schedule owns time slots of ``interval`` seconds; whichever process first claims a
slot in Redis (``SET NX``) enqueues that slot's message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq

from kwika.config import Settings
from kwika.core import runtime
from kwika.core.broker import enqueue
from kwika.core.redis import REDIS_DOWN, redis_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    actor: dramatiq.Actor[..., Any]
    interval: Callable[[Settings], int]


async def tick(schedules: list[Schedule], settings: Settings) -> list[str]:
    """Enqueue every schedule whose current slot nobody has claimed; returns their names."""
    sent = []
    client = runtime.get().redis
    for schedule in schedules:
        interval = max(1, schedule.interval(settings))
        slot = int(time.time() // interval)
        key = redis_key("sched", schedule.name, slot)
        if await client.set(key, 1, ex=interval * 2, nx=True):
            await enqueue(schedule.actor)
            sent.append(schedule.name)
    return sent


async def run(schedules: list[Schedule], settings: Settings, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await tick(schedules, settings)
        except REDIS_DOWN as exc:
            log.warning("scheduler: redis unavailable (%s)", exc)
        except Exception:
            log.exception("scheduler tick failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
