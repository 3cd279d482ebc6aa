"""Keep the embedded engine's data across restarts (``KWIKA_EMBEDDED_DATA_FILE``).

The file is MongoDB Extended JSON (ObjectIds, dates and decimals survive), written to a
temporary file and renamed into place so a crash never leaves half a file.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from bson import json_util

log = logging.getLogger(__name__)

_OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True, tzinfo=None)


async def load(database: Any, path: Path) -> int:
    """Insert the file's documents into empty collections; returns the number loaded."""
    text = await asyncio.to_thread(_read, path)
    if text is None:
        return 0
    snapshot = json_util.loads(text, json_options=_OPTIONS)
    total = 0
    for name, documents in snapshot.get("collections", {}).items():
        if documents:
            await database[name].insert_many(documents)
            total += len(documents)
    log.info("Loaded %d documents from %s", total, path)
    return total


async def save(database: Any, path: Path) -> int:
    collections: dict[str, list[dict[str, Any]]] = {}
    total = 0
    for name in sorted(await database.list_collection_names()):
        documents = [doc async for doc in database[name].find({})]
        collections[name] = documents
        total += len(documents)
    text = json_util.dumps({"format": 1, "collections": collections}, json_options=_OPTIONS)
    await asyncio.to_thread(_write_atomically, path, text)
    return total


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
