"""One application for the whole test session, and the reset that makes each test see it as
if it had just started (documents/testing.md).

The session application is started once (Beanie, indexes, seeded reference data, broker,
in-process worker, scheduler, Socket.IO gateway). Before every test :func:`reset` waits for
the previous test's background work, then brings back the state right after start-up: the
embedded database as it was after seeding (indexes kept), an empty Redis (with this slot of
every schedule already claimed, as a fresh start-up would have done), an empty outbox and
media root, the settings as they were, the real clock, and the process-wide bindings
(runtime, broker, Socket.IO gateway, Beanie) pointing at the session application again,
since a test may have started an application of its own in between.
"""

from __future__ import annotations

import asyncio
import collections
import copy
import shutil
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import dramatiq
from dramatiq.asyncio import EventLoopThread, get_event_loop_thread, set_event_loop_thread
from dramatiq.worker import ConsumerThread
from pydantic import BaseModel

from kwika import registry
from kwika.config import Settings
from kwika.core import access, clock, db, realtime, runtime, scheduler
from kwika.core import broker as kwika_broker
from kwika.core import cache as kwika_cache
from kwika.core.runtime import Runtime

# Background work a test left running must finish within this before the next test starts.
QUIESCE_SECONDS = 30.0


@dataclass
class SessionApp:
    """The session application and the process-wide bindings it installed."""

    app: Any
    settings: Settings
    runtime: Runtime
    broker: dramatiq.Broker
    gateway: Any
    loop_thread: EventLoopThread | None
    pristine_settings: Settings
    documents: dict[str, collections.OrderedDict[Any, dict[str, Any]]] = field(default_factory=dict)
    beanie_probe: Any = None

    @classmethod
    def capture(cls, app: Any, settings: Settings) -> SessionApp:
        """Record what the started application installed, and its seeded database."""
        rt = runtime.get()
        session = cls(
            app=app,
            settings=settings,
            runtime=rt,
            broker=kwika_broker.current_broker(),
            gateway=realtime._gateway,  # restored after other apps ran
            loop_thread=get_event_loop_thread(),
            pristine_settings=settings.model_copy(deep=True),
        )
        store = _store(rt.db)
        if store is not None:
            session.documents = {
                name: copy.deepcopy(collection._documents)
                for name, collection in store._collections.items()
                if collection._documents
            }
        session.beanie_probe = _beanie_probe()
        return session


def _store(database: Any) -> Any:
    """mongomock's in-memory store behind the embedded database, or None (a real server)."""
    delegate = getattr(database, "delegate", None)
    store = getattr(delegate, "_store", None)
    return store if hasattr(store, "_collections") else None


def _beanie_probe() -> Any:
    """Beanie keeps one binding per document class: the collection object of the first
    document tells whether ``init_beanie`` ran again for another application's database."""
    documents = registry.documents()
    return documents[0].get_motor_collection() if documents else None


async def reset(session: SessionApp) -> None:
    await quiesce(session)
    await rebind(session)
    _restore_settings(session.settings, session.pristine_settings)
    clock.reset()
    session.runtime.redis_endpoint.sync_client().flushall()
    access.forget_unflushed()
    _forget_delayed_messages(session.broker)
    await _claim_schedule_slots(session)
    _restore_documents(session)
    kwika_cache.clear_local()
    _empty_files(session.settings)


async def quiesce(session: SessionApp) -> None:
    """Wait until the previous test's messages and background tasks are done.

    Delayed messages (retries with backoff, ``delay_ms``) are not waited for: the Redis
    flush and :func:`_forget_delayed_messages` drop them.
    """
    media_tasks = _media_background()
    if media_tasks:
        await asyncio.gather(*media_tasks, return_exceptions=True)
    client = session.runtime.redis_endpoint.sync_client()
    namespace = session.settings.broker_namespace
    keys = [f"{namespace}:{queue}.msgs" for queue in sorted(kwika_broker.declared_queues())]
    deadline = time.monotonic() + QUIESCE_SECONDS
    while True:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hlen(key)
        if not any(pipe.execute()):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("background work of the previous test did not finish")
        # The session worker runs its coroutines on this loop: let it.
        await asyncio.sleep(0.005)


def _media_background() -> list[asyncio.Task[Any]]:
    from kwika.modules.media import service

    pending = getattr(service, "_background", set())
    return [task for task in pending if not task.done()]


async def rebind(session: SessionApp) -> None:
    """Point the process-wide bindings at the session application again (another
    application, started by a test, installs its own and clears them when it stops)."""
    try:
        current: Runtime | None = runtime.get()
    except RuntimeError:
        current = None
    if current is not session.runtime:
        runtime.install(session.runtime)
    try:
        bound: dramatiq.Broker | None = kwika_broker.current_broker()
    except RuntimeError:
        bound = None
    if bound is not session.broker:
        kwika_broker.bind(session.broker)
    realtime._gateway = session.gateway
    if get_event_loop_thread() is not session.loop_thread:
        set_event_loop_thread(session.loop_thread)
    if _beanie_probe() is not session.beanie_probe:
        await db.init_documents(session.runtime.db, registry.documents())
        session.beanie_probe = _beanie_probe()


def _forget_delayed_messages(bound: dramatiq.Broker) -> None:
    """Delayed messages wait in the session worker's memory until their time comes; after
    the flush they belong to no test."""
    for thread in threading.enumerate():
        if isinstance(thread, ConsumerThread) and thread.broker is bound:
            while not thread.delay_queue.empty():
                try:
                    thread.delay_queue.get_nowait()
                except Exception:  # emptied by the consumer meanwhile
                    break


async def _claim_schedule_slots(session: SessionApp) -> None:
    """A fresh start-up runs every schedule once; the session application already did, so
    claim the current slots without sending (the messages held here are dropped)."""
    with kwika_broker.defer_messages():
        await scheduler.tick(registry.schedules(), session.settings)


def _restore_documents(session: SessionApp) -> None:
    store = _store(session.runtime.db)
    if store is None:
        return
    for name, collection in store._collections.items():
        seeded = session.documents.get(name)
        live = collection._documents
        if seeded is None:
            if live:
                collection._documents = collections.OrderedDict()
        elif not _same(live, seeded):
            collection._documents = copy.deepcopy(seeded)


def _same(live: dict[Any, Any], seeded: dict[Any, Any]) -> bool:
    return len(live) == len(seeded) and all(
        key in seeded and seeded[key] == value for key, value in live.items()
    )


def _empty_files(settings: Settings) -> None:
    if settings.outbox_path.exists():
        settings.outbox_path.write_text("")
    root = settings.media.root
    if root.exists():
        for child in root.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()


def _restore_settings(live: BaseModel, pristine: BaseModel) -> None:
    """Undo what a test changed on the shared settings (``settings.media.quota_bytes = ...``)."""
    for name in type(pristine).model_fields:
        wanted = getattr(pristine, name)
        current = getattr(live, name)
        if isinstance(wanted, BaseModel) and isinstance(current, BaseModel):
            _restore_settings(current, wanted)
        elif current != wanted:
            object.__setattr__(live, name, copy.deepcopy(wanted))
