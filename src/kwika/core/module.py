"""What a module contributes to the process; ``kwika.registry`` lists them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beanie import Document

from kwika.core.scheduler import Schedule
from kwika.core.signals import Guard, GuardReceiver, Receiver, Signal

Seeder = Callable[["SeedContext"], Awaitable[int]]
StartupHook = Callable[[], Awaitable[None]]


@dataclass
class SeedContext:
    demo: bool = False
    # Progress callback: (description, done, total).
    progress: Callable[[str, int, int], None] = lambda *_: None


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
