"""Signals and checks between modules: a module announces what happened, or asks whether it
may do something; other modules react.

A module that must not depend on another (identity must not import media, which already
depends on identity) declares a :class:`Signal` or a :class:`Check` (not "guard": Litestar's
route guards are another thing); receivers are connected through ``ModuleSpec.receivers``
by the registry, so the wiring is in one place.

A signal's payload is declared by a keyword-only stub, so mypy refuses a ``send`` with a
missing, unknown or wrongly typed argument, and connecting a receiver that cannot take the
payload fails when the registry loads the modules::

    @signal("providers.provider_changed")
    def provider_changed(*, provider_id: ObjectId) -> None:
        \"\"\"Sent with the provider's id whenever its public page may have changed.\"\"\"

Receivers of a :class:`Signal` run in the background, after the sender's change succeeded:
each (signal, receiver) pair is one ``signals.deliver`` message, sent when the request
answers with a success (at once outside a request) and retried with backoff. A failing
receiver (a read model that is down) therefore never turns a stored write into an error,
and a delivery may run more than once: receivers take ids, re-read state and are safe to
run twice. A :class:`Check` may veto, so it runs inside the asking request.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec

from bson import ObjectId

from kwika.core.broker import enqueue, task
from kwika.core.errors import Conflict

log = logging.getLogger(__name__)

P = ParamSpec("P")

Receiver = Callable[..., Awaitable[Any]]
CheckReceiver = Callable[..., Awaitable["Veto | str | None"]]

QUEUE = "signals"
# A read model that is down for a while catches up within minutes of coming back; after the
# last retry the message is dead-lettered (and ``kwika reindex`` rebuilds discovery).
RETRIES: dict[str, Any] = {"max_retries": 16, "min_backoff": 500, "max_backoff": 600_000}

_signals: dict[str, Signal[Any]] = {}


def receiver_name(receiver: Callable[..., Any]) -> str:
    """The stable name a delivery message finds its receiver by (``module.qualname``)."""
    return f"{receiver.__module__}.{receiver.__qualname__}"


def _payload_names(shape: Callable[..., Any]) -> tuple[str, ...]:
    parameters = inspect.signature(shape).parameters.values()
    if any(p.kind is not inspect.Parameter.KEYWORD_ONLY for p in parameters):
        raise TypeError(f"{shape.__qualname__}: a payload stub takes keyword-only arguments")
    return tuple(p.name for p in parameters)


def _accepts(receiver: Callable[..., Any], names: tuple[str, ...], what: str) -> None:
    try:
        inspect.signature(receiver).bind(**dict.fromkeys(names))
    except TypeError as exc:
        raise TypeError(
            f"{receiver_name(receiver)} cannot receive {what} ({', '.join(names)}): {exc}"
        ) from None


class Signal(Generic[P]):
    """Something that happened in the declaring module, announced with ids."""

    def __init__(self, name: str, shape: Callable[P, object]) -> None:
        if name in _signals:
            raise ValueError(f"two signals are named {name!r}")
        self.name = name
        self.__doc__ = shape.__doc__
        self._names = _payload_names(shape)
        self._receivers: dict[str, Receiver] = {}
        _signals[name] = self

    def connect(self, receiver: Receiver) -> None:
        _accepts(receiver, self._names, repr(self))
        name = receiver_name(receiver)
        connected = self._receivers.get(name)
        if connected is not None and connected is not receiver:
            raise ValueError(f"two receivers of {self!r} are named {name!r}")
        self._receivers[name] = receiver

    def disconnect(self, receiver: Receiver) -> None:
        name = receiver_name(receiver)
        if self._receivers.get(name) is receiver:
            del self._receivers[name]

    def receiver(self, name: str) -> Receiver | None:
        return self._receivers.get(name)

    async def send(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Deliver the payload to every receiver in the background, once the current request
        has succeeded (at once outside a request)."""
        if args:
            raise TypeError(f"{self!r} is sent with keyword arguments")
        payload = encode(kwargs)
        for name in self._receivers:
            await enqueue(deliver, self.name, name, payload)

    def __repr__(self) -> str:
        return f"Signal({self.name!r})"


def signal(name: str) -> Callable[[Callable[P, object]], Signal[P]]:
    """Declare a signal whose payload is the keyword-only parameters of the decorated stub."""

    def declare(shape: Callable[P, object]) -> Signal[P]:
        return Signal(name, shape)

    return declare


@task("signals.deliver", queue=QUEUE, **RETRIES)
async def deliver(signal_name: str, receiver: str, payload: dict[str, Any]) -> None:
    """Run one receiver of one signal; an error makes Dramatiq retry it with backoff."""
    sent = _signals.get(signal_name)
    target = sent.receiver(receiver) if sent is not None else None
    if target is None:
        # Disconnected since (a module removed by a deployment): nobody wants it any more.
        log.warning("dropping %s for %s: no such receiver", signal_name, receiver)
        return
    await target(**decode(payload))


# Payloads travel as JSON in Dramatiq messages; ObjectIds keep their type on the way.
_OID = "$oid"


def encode(value: Any) -> Any:
    if isinstance(value, ObjectId):
        return {_OID: str(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: encode(item) for key, item in value.items()}
    raise TypeError(f"a signal carries ids and plain values, not {type(value).__name__}")


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if value.keys() == {_OID}:
            return ObjectId(value[_OID])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


@dataclass(frozen=True)
class Veto:
    """Why an action may not happen, with facts a client can show (``{"active_bookings": 3}``)."""

    reason: str
    data: dict[str, Any] = field(default_factory=dict)


class Check(Generic[P]):
    """A named question another module may answer "no" to: may this service be deleted?

    Receivers return ``None`` to allow, or a reason (``str`` or :class:`Veto`) to refuse.
    With no receivers everything is allowed, so the asking module works before the modules
    that care exist (bookings connects to ``catalogue.signals.service_deletion`` later).
    Receivers run inside the asking request, in order: the answer decides the response.
    """

    def __init__(self, name: str, shape: Callable[P, object]) -> None:
        self.name = name
        self.__doc__ = shape.__doc__
        self._names = _payload_names(shape)
        self._receivers: list[CheckReceiver] = []

    def connect(self, receiver: CheckReceiver) -> None:
        _accepts(receiver, self._names, repr(self))
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def disconnect(self, receiver: CheckReceiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    async def check(self, *args: P.args, **kwargs: P.kwargs) -> Veto | None:
        """The first veto, or None when every receiver allows."""
        for receiver in self._receivers:
            answer = await receiver(*args, **kwargs)
            if answer is None:
                continue
            return answer if isinstance(answer, Veto) else Veto(str(answer))
        return None

    async def enforce(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """409 ``IN_USE`` with the receiver's reason (and its data) when one vetoes."""
        veto = await self.check(*args, **kwargs)
        if veto is not None:
            raise Conflict(veto.reason, code="IN_USE", data=veto.data or None)

    def __repr__(self) -> str:
        return f"Check({self.name!r})"


def check(name: str) -> Callable[[Callable[P, object]], Check[P]]:
    """Declare a check whose question is the keyword-only parameters of the decorated stub."""

    def declare(shape: Callable[P, object]) -> Check[P]:
        return Check(name, shape)

    return declare
