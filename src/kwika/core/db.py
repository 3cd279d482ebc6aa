"""MongoDB through motor + Beanie, or the embedded mongomock engine when no URI is set."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import beanie.odm.documents
import beanie.odm.fields
from beanie import Document, init_beanie
from motor.motor_asyncio import AsyncIOMotorClient
from pydantic import TypeAdapter

from kwika.config import Settings
from kwika.core import embedded

log = logging.getLogger(__name__)

_adapters: dict[Any, TypeAdapter[Any]] = {}


def _parse_object_as(object_type: Any, data: Any) -> Any:
    """Beanie's ``parse_object_as`` with one ``TypeAdapter`` per type, not one per call.

    Beanie 1.x builds a new adapter (a pydantic core schema) every time it converts an id:
    on every ``Document.get`` with a bson ``ObjectId`` and after every ``insert``. That was
    about a tenth of the CPU of sending a chat message or creating a notification.
    """
    try:
        adapter = _adapters.get(object_type)
    except TypeError:  # an unhashable annotation: as Beanie does
        return TypeAdapter(object_type).validate_python(data)
    if adapter is None:
        adapter = _adapters[object_type] = TypeAdapter(object_type)
    return adapter.validate_python(data)


beanie.odm.documents.parse_object_as = _parse_object_as
beanie.odm.fields.parse_object_as = _parse_object_as


def connect(settings: Settings) -> tuple[Any, Any]:
    """Create the client for this event loop and return ``(client, database)``."""
    if settings.mongodb_uri:
        client: Any = AsyncIOMotorClient(
            settings.mongodb_uri, tz_aware=True, serverSelectionTimeoutMS=5000
        )
    else:
        client = embedded.client()
    return client, client[settings.mongodb_database]


async def init_documents(database: Any, documents: Sequence[type[Document]]) -> None:
    """Bind Beanie documents and create the indexes they declare."""
    await init_beanie(database=database, document_models=list(documents))


async def ping(database: Any) -> None:
    await database.command("ping")
