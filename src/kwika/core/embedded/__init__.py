"""The embedded storage engine: mongomock-motor, optionally persisted to a file."""

from __future__ import annotations

from typing import Any

from kwika.core.embedded import geo, uniques
from kwika.core.embedded.thread import EngineClient


def client() -> Any:
    geo.install()
    uniques.install()
    return EngineClient(tz_aware=True)
