"""In-process signals and checks: a module announces what happened, or asks whether it may
do something; other modules react.

A module that must not depend on another (identity must not import media, which already
depends on identity) declares a :class:`Signal` or a :class:`Check` (not "guard": Litestar's
route guards are another thing); receivers are connected through ``ModuleSpec.receivers``
by the registry, so the wiring is in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from kwika.core.errors import Conflict

log = logging.getLogger(__name__)

Receiver = Callable[..., Awaitable[Any]]


class Signal:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> None:
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    async def send(self, **payload: Any) -> None:
        """Run every receiver in order; a failing receiver fails the sender (it runs in the
        sender's request or actor, so the caller's retry covers it)."""
        for receiver in self._receivers:
            await receiver(**payload)

    def __repr__(self) -> str:
        return f"Signal({self.name!r})"


@dataclass(frozen=True)
class Veto:
    """Why an action may not happen, with facts a client can show (``{"active_bookings": 3}``)."""

    reason: str
    data: dict[str, Any] = field(default_factory=dict)


CheckReceiver = Callable[..., Awaitable["Veto | str | None"]]


class Check:
    """A named question another module may answer "no" to: may this service be deleted?

    Receivers return ``None`` to allow, or a reason (``str`` or :class:`Veto`) to refuse.
    With no receivers everything is allowed, so the asking module works before the modules
    that care exist (bookings connects to ``catalogue.signals.service_deletion`` later).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[CheckReceiver] = []

    def connect(self, receiver: CheckReceiver) -> None:
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def disconnect(self, receiver: CheckReceiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    async def check(self, **payload: Any) -> Veto | None:
        """The first veto, or None when every receiver allows."""
        for receiver in self._receivers:
            answer = await receiver(**payload)
            if answer is None:
                continue
            return answer if isinstance(answer, Veto) else Veto(str(answer))
        return None

    async def enforce(self, **payload: Any) -> None:
        """409 ``IN_USE`` with the receiver's reason (and its data) when one vetoes."""
        veto = await self.check(**payload)
        if veto is not None:
            raise Conflict(veto.reason, code="IN_USE", data=veto.data or None)

    def __repr__(self) -> str:
        return f"Check({self.name!r})"
