"""The one list of modules. Adding a module means adding it here."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from beanie import Document

from kwika.core.module import ModuleSpec, StartupHook
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


@cache
def modules() -> tuple[ModuleSpec, ...]:
    specs = []
    for name in MODULE_NAMES:
        spec: ModuleSpec = importlib.import_module(f"kwika.modules.{name}.module").module
        for task_module in spec.task_modules:
            importlib.import_module(task_module)
        for signal, receiver in spec.receivers:
            signal.connect(receiver)
        specs.append(spec)
    return tuple(specs)


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
