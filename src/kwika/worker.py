"""Dramatiq entry point for production workers: ``kwika worker`` (or ``dramatiq kwika.worker``).

The broker exists before any actor module is imported; each worker process connects to
MongoDB and Redis on the event loop that runs its async actors.
"""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import Middleware

from kwika import bootstrap, registry
from kwika.config import get_settings
from kwika.core import logging as kwika_logging
from kwika.core.broker import build_broker
from kwika.core.redis import resolve_endpoint


class RuntimeBoot(Middleware):
    """Starts the process runtime (DB, Redis, adapters, scheduler) on the actors' loop."""

    def __init__(self) -> None:
        self.process: bootstrap.Process | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        loop_thread = get_event_loop_thread()
        assert loop_thread is not None, "the AsyncIO middleware must run first"
        self.process = loop_thread.run_coroutine(
            bootstrap.start(
                settings, in_process_worker=False, redis_endpoint=endpoint, broker=broker
            )
        )

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        loop_thread = get_event_loop_thread()
        if self.process is not None and loop_thread is not None:
            loop_thread.run_coroutine(bootstrap.stop(self.process))
            self.process = None


settings = get_settings()
kwika_logging.configure(settings.log_level, settings.log_json)
registry.modules()  # declares every actor (on a placeholder until the broker binds them)
endpoint = resolve_endpoint(settings)
broker: Any = build_broker(
    endpoint.sync_client(), settings.broker_namespace, extra_middleware=[RuntimeBoot()]
)
