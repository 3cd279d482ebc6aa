"""The embedded storage engine: mongomock-motor, optionally persisted to a file."""

from __future__ import annotations

import copy
import datetime
import sys
from typing import Any

from bson import Decimal128, ObjectId

from kwika.core.embedded import geo, indexes, pipeline, uniques
from kwika.core.embedded.thread import EngineClient

# The engine thread holds the GIL while it evaluates a pipeline; the event loop waiting for it
# gets it back only after the interpreter's switch interval (5 ms by default), once per GIL
# hand-over, so one request on the loop pays it many times while searches run. 1 ms took the
# p99 of GET /health under 16 searching connections from ~150-220 ms to ~35-80 ms on the
# shared 2-core machine without lowering search throughput (documents/embedded-engine.md).
SWITCH_INTERVAL_SECONDS = 0.001


# mongomock deep-copies documents all the time (a snapshot before every update, results,
# pipeline stages); ``copy.deepcopy`` reconstructs an ObjectId or a datetime through
# ``__reduce_ex__``, which made copying a listing 3.6x slower than copying its dicts and lists.
# These types are immutable, so sharing them is what copying them amounts to.
_IMMUTABLE = (ObjectId, Decimal128, datetime.datetime, datetime.date, datetime.time)


def _share_immutable_values_when_copying() -> None:
    dispatch: dict[type, Any] = copy._deepcopy_dispatch  # type: ignore[attr-defined]
    for kind in _IMMUTABLE:
        dispatch.setdefault(kind, copy._deepcopy_atomic)  # type: ignore[attr-defined]


def client() -> Any:
    _share_immutable_values_when_copying()
    if sys.getswitchinterval() > SWITCH_INTERVAL_SECONDS:
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    # Order matters: geo wraps the indexed scan, the pipeline replaces geo's stage entry.
    indexes.install()
    geo.install()
    uniques.install()
    pipeline.install()
    return EngineClient(tz_aware=True)
