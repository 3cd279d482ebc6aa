"""What a module contributes to the process; ``kwika.registry`` lists them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from beanie import Document
from bson import ObjectId

from kwika.core.scheduler import Schedule
from kwika.core.signals import Guard, GuardReceiver, Receiver, Signal

if TYPE_CHECKING:
    from kwika.core.auth import ClientContext
    from kwika.core.tokens import Principal

Seeder = Callable[["SeedContext"], Awaitable[int]]
StartupHook = Callable[[], Awaitable[None]]


@dataclass
class SeedContext:
    demo: bool = False
    # Progress callback: (description, done, total).
    progress: Callable[[str, int, int], None] = lambda *_: None

    def acting_as(self, user_id: ObjectId) -> tuple[Principal, ClientContext]:
        """A signed-in user and request, for demo seeders that go through the modules'
        own use cases (so listings, counters and notifications follow as for a client)."""
        # Imported here: the registry imports this module before anything else.
        from kwika.core import clock
        from kwika.core.auth import ClientContext
        from kwika.core.net import describe_device
        from kwika.core.tokens import Principal

        now = clock.now()
        principal = Principal(
            kind="user",
            id=user_id,
            session_id=ObjectId(),
            jti="seed",
            expires_at=now + timedelta(minutes=5),
            role="user",
        )
        agent = "kwika seed --demo"
        client = ClientContext(
            ip="127.0.0.1", user_agent=agent, device=describe_device(agent), request_id="seed"
        )
        return principal, client


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    route_handlers: Sequence[Any] = ()
    # Served outside /api/v1 too (liveness probes expect /health).
    root_route_handlers: Sequence[Any] = ()
    documents: Sequence[type[Document]] = ()
    # Modules imported for their side effect of declaring actors.
    task_modules: Sequence[str] = ()
    schedules: Sequence[Schedule] = ()
    # Reference data every deployment needs; demo data when SeedContext.demo.
    seeders: Sequence[Seeder] = ()
    # Run once when a process (API or worker) has its runtime.
    on_startup: Sequence[StartupHook] = ()
    # (signal or guard of another module, receiver of this one), connected by the registry.
    receivers: Sequence[tuple[Signal, Receiver] | tuple[Guard, GuardReceiver]] = ()
    tags: Sequence[dict[str, str]] = field(default_factory=tuple)
