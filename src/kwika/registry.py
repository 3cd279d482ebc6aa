"""The one list of modules. Adding a module means adding it here (one line).

Loading a module imports its ``module.py``, imports its task modules, connects its
receivers, adds its vocabulary to the registries of ``kwika.core.module`` and its provided
resolvers. ``KWIKA_EXTRA_MODULES`` (comma-separated ``package.module`` paths of
``module.py`` files) adds modules outside ``kwika.modules``; :func:`install` adds one to a
running process (tests; only its vocabulary, receivers and Socket.IO events take effect
after the application was built, not its routes or documents).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from beanie import Document

from kwika.core import realtime
from kwika.core.module import ALL_VOCABULARIES, ModuleSpec, StartupHook, resolvers
from kwika.core.scheduler import Schedule

MODULE_NAMES = (
    "health",
    "activity",
    "notifications",
    "identity",
    "messaging",
    "media",
    "reference",
    "discovery",
    "providers",
    "catalogue",
)

_loaded: dict[str, ModuleSpec] = {}


def _paths() -> list[str]:
    extra = [p.strip() for p in os.environ.get("KWIKA_EXTRA_MODULES", "").split(",")]
    return [f"kwika.modules.{name}.module" for name in MODULE_NAMES] + [p for p in extra if p]


def modules() -> tuple[ModuleSpec, ...]:
    if not _loaded:
        for path in _paths():
            install(path)
    return tuple(_loaded.values())


def install(path: str) -> ModuleSpec:
    """Load the module whose spec is ``<path>.module`` (a ``module.py``); once per path."""
    if path in _loaded:
        return _loaded[path]
    spec: ModuleSpec = importlib.import_module(path).module
    for task_module in spec.task_modules:
        importlib.import_module(task_module)
    for registry, item in spec.vocabulary():
        registry.add(item, spec.name)
    for protocol, implementation in spec.provides.items():
        resolvers.provide(protocol, implementation, spec.name)
    for handler in spec.socket_handlers:
        realtime.on(handler.event)(handler.handler)
    for signal, receiver in spec.receivers:
        signal.connect(receiver)
    _loaded[path] = spec
    return spec


def uninstall(path: str) -> None:
    """Undo :func:`install` (tests that plug a module in for a while)."""
    spec = _loaded.pop(path, None)
    if spec is None:
        return
    for signal, receiver in spec.receivers:
        signal.disconnect(receiver)
    for handler in spec.socket_handlers:
        realtime.off(handler.event)
    for registry in ALL_VOCABULARIES:
        registry.remove_owner(spec.name)
    resolvers.remove_owner(spec.name)


@contextmanager
def plugged(path: str) -> Iterator[ModuleSpec]:
    """A module installed for the duration of the block."""
    modules()
    already = path in _loaded
    spec = install(path)
    try:
        yield spec
    finally:
        if not already:
            uninstall(path)


def route_handlers() -> list[Any]:
    return [handler for spec in modules() for handler in spec.route_handlers]


def root_route_handlers() -> list[Any]:
    return [handler for spec in modules() for handler in spec.root_route_handlers]


def documents() -> list[type[Document]]:
    return [document for spec in modules() for document in spec.documents]


def schedules() -> list[Schedule]:
    return [schedule for spec in modules() for schedule in spec.schedules]


def startup_hooks() -> list[StartupHook]:
    return [hook for spec in modules() for hook in spec.on_startup]


def openapi_tags() -> list[dict[str, str]]:
    return [tag for spec in modules() for tag in spec.tags]
