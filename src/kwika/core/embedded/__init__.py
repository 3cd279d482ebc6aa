"""The embedded storage engine: mongomock-motor, optionally persisted to a file."""

from __future__ import annotations

from typing import Any

from mongomock_motor import AsyncMongoMockClient

from kwika.core.embedded import geo, uniques


def client() -> Any:
    geo.install()
    uniques.install()
    return AsyncMongoMockClient(tz_aware=True)
