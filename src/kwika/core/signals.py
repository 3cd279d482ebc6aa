"""In-process signals: a module announces what happened; other modules react.

A module that must not depend on another (identity must not import media, which already
depends on identity) declares a :class:`Signal`; receivers are connected through
``ModuleSpec.receivers`` by the registry, so the wiring is in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Receiver = Callable[..., Awaitable[None]]


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
