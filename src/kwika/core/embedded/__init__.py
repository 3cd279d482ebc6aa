"""The embedded storage engine: mongomock-motor, optionally persisted to a file."""

from __future__ import annotations

from typing import Any

from kwika.core.embedded import geo, indexes, pipeline, uniques
from kwika.core.embedded.thread import EngineClient


def client() -> Any:
    # Order matters: geo wraps the indexed scan, the pipeline replaces geo's stage entry.
    indexes.install()
    geo.install()
    uniques.install()
    pipeline.install()
    return EngineClient(tz_aware=True)
