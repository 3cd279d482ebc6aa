"""MongoDB through motor + Beanie, or the embedded mongomock engine when no URI is set."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from beanie import Document, init_beanie
from motor.motor_asyncio import AsyncIOMotorClient

from kwika.config import Settings
from kwika.core import embedded

log = logging.getLogger(__name__)


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
