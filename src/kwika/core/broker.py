"""Dramatiq glue: declaring tasks, binding them to the broker, and enqueueing after success.

Actors are declared with :func:`task` against a placeholder broker, so importing a module
never creates Dramatiq's default broker (ENGINEERING.md pitfall 9). :func:`build_broker`
creates the Redis broker of the running process and re-binds every declared actor to it.

Messages a request asks for are held until the response is known to be a success
(:func:`defer_messages`); outside a request they are sent at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

import dramatiq
import redis
from dramatiq.asyncio import EventLoopThread, get_event_loop_thread, set_event_loop_thread
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_QUEUE = "default"

_placeholder = StubBroker()
dramatiq.set_broker(_placeholder)
_declared: list[dramatiq.Actor[Any, Any]] = []
_current: dramatiq.Broker | None = None
# The coroutine function behind each actor, by actor name (see :func:`run_inline`).
_functions: dict[str, Callable[..., Awaitable[Any]]] = {}
AfterSuccess = Callable[[], Awaitable[None]]
Outgoing = tuple[dramatiq.Message[Any], int | None] | AfterSuccess
_pending: ContextVar[list[Outgoing] | None] = ContextVar("kwika_pending_messages")


def task(
    name: str, *, queue: str = DEFAULT_QUEUE, **options: Any
) -> Callable[[Callable[P, Awaitable[R]]], dramatiq.Actor[P, R]]:
    """Declare an async actor named ``<module>.<verb>``; it runs on whichever broker is bound."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> dramatiq.Actor[P, R]:
        actor = dramatiq.actor(actor_name=name, queue_name=queue, broker=_placeholder, **options)(
            fn
        )
        _declared.append(actor)
        _functions[name] = fn
        return actor

    return decorate


async def run_inline(actor: dramatiq.Actor[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run an actor's function now, on the running loop, as a worker would run the message.

    For tests and one-shot commands that need the work done before they go on: no broker,
    no retries, exceptions reach the caller. Calling ``actor(...)`` itself would block on the
    worker's loop, which in the embedded default is this very loop.
    """
    fn = _functions.get(actor.actor_name)
    if fn is None:
        raise LookupError(f"{actor.actor_name!r} was not declared with kwika.core.broker.task")
    result: R = await fn(*args, **kwargs)
    return result


def declared_queues() -> set[str]:
    return {actor.queue_name for actor in _declared}


class _AppLoopThread(EventLoopThread):
    """Runs async actors on an already-running loop (the API's) instead of a new thread.

    In the embedded default the worker lives inside the API process; its coroutines must
    use the API loop's database and Redis clients.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.interrupt_check_ival = 0.1
        self.logger = logging.getLogger("kwika.worker")
        self.loop = loop

    def start(self, *, timeout: float | None = None) -> None:
        return None

    def run_coroutine(self, coro: Any) -> Any:
        # The API loop can pause between the phases of whoever drives it (a test runner runs
        # fixtures and tests as separate run_until_complete calls): wait for it to run again
        # rather than fail the message.
        while not self.loop.is_running():
            if self.loop.is_closed():
                coro.close()
                raise RuntimeError("the API event loop is closed")
            time.sleep(0.005)
        return super().run_coroutine(coro)

    def stop(self) -> None:
        return None


class AppLoopAsyncIO(Middleware):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        set_event_loop_thread(_AppLoopThread(self.loop))

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if isinstance(get_event_loop_thread(), _AppLoopThread):
            set_event_loop_thread(None)


def build_broker(
    client: redis.Redis,
    namespace: str,
    *,
    app_loop: asyncio.AbstractEventLoop | None = None,
    extra_middleware: list[Middleware] | None = None,
) -> RedisBroker:
    """A Redis broker; async actors run on ``app_loop`` when given, else on their own loop."""
    broker = RedisBroker(client=client, namespace=namespace)
    broker.add_middleware(AppLoopAsyncIO(app_loop) if app_loop else AsyncIO())
    for middleware in extra_middleware or []:
        broker.add_middleware(middleware)
    bind(broker)
    return broker


def bind(broker: dramatiq.Broker) -> None:
    global _current
    for actor in _declared:
        actor.broker = broker
        broker.declare_actor(actor)
    dramatiq.set_broker(broker)
    _current = broker


def current_broker() -> dramatiq.Broker:
    if _current is None:
        raise RuntimeError("No broker is bound: the app or worker has not started")
    return _current


@contextmanager
def defer_messages() -> Iterator[list[Outgoing]]:
    """Collect messages sent inside the block instead of enqueueing them."""
    held: list[Outgoing] = []
    token = _pending.set(held)
    try:
        yield held
    finally:
        _pending.reset(token)


async def enqueue(
    actor: dramatiq.Actor[..., Any], *args: Any, delay_ms: int | None = None, **kwargs: Any
) -> None:
    """Send a message now, or after the current request succeeds."""
    outgoing = (actor.message(*args, **kwargs), delay_ms)
    held = _pending.get(None)
    if held is not None:
        held.append(outgoing)
        return
    await flush([outgoing])


def deferring() -> bool:
    """Whether work is held for the current request's success (inside a request)."""
    return _pending.get(None) is not None


async def after_success(callback: AfterSuccess) -> None:
    """Run ``callback`` once the current request has succeeded (at once outside a request).

    For state that must only become real with the response, such as a delivery that the
    recovery sweeper may resend.
    """
    held = _pending.get(None)
    if held is not None:
        held.append(callback)
        return
    await callback()


async def flush(outgoing: list[Outgoing]) -> None:
    """Run the held callbacks, then enqueue the held messages (after a success).

    One failing callback does not stop the others or the messages (they are independent
    pieces of work of the same request); the first error is raised at the end.
    """
    if not outgoing:
        return
    messages: list[tuple[dramatiq.Message[Any], int | None]] = []
    failure: Exception | None = None
    for item in outgoing:
        if isinstance(item, tuple):
            messages.append(item)
            continue
        try:
            await item()
        except Exception as exc:
            log.exception("after-success work failed")
            failure = failure or exc
    if messages:
        broker = current_broker()

        def send_all() -> None:
            for message, delay in messages:
                broker.enqueue(message, delay=delay)

        # The Redis broker is synchronous: keep it off the event loop.
        await asyncio.to_thread(send_all)
    if failure is not None:
        raise failure


async def drain(timeout_seconds: float = 15.0) -> None:
    """Wait until every queue is empty and nothing is in flight (tests, CLI one-shots).

    A message may send others (a signal's receiver sends the next signal, or enqueues a
    notification on a queue already waited for): wait until one pass finds all queues idle.
    """
    broker = current_broker()
    if not isinstance(broker, RedisBroker):
        for queue in sorted(declared_queues()):
            await asyncio.to_thread(broker.join, queue, timeout=int(timeout_seconds * 1000))
        return
    deadline = time.monotonic() + timeout_seconds
    while True:
        busy = False
        for queue in sorted(declared_queues()):
            # Queued, delayed (retries) and in flight.
            if not await asyncio.to_thread(broker.do_qsize, queue):
                continue
            busy = True
            left = max(1, int((deadline - time.monotonic()) * 1000))
            await asyncio.to_thread(broker.join, queue, interval=10, timeout=left)
        if not busy:
            return
