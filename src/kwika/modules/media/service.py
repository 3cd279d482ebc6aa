"""The media service: validating, processing, storing, claiming and deleting files.

Every upload in Kwika comes through :func:`ingest`: the type is sniffed from the bytes,
the context decides formats, size and shape, images are re-encoded without metadata, and
the bytes are stored under a server-generated key. The quota is reserved with a guarded
``$inc`` before anything is written and given back when a file goes away.
"""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
import weakref
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.errors import DependencyUnavailable
from kwika.integrations.storage import (
    SaveOptions,
    Storage,
    StorageError,
    StoredObject,
)
from kwika.modules.media.contexts import ContextRule
from kwika.modules.media.documents import StorageUsage, StoredFile, UsedBy
from kwika.modules.media.formats import (
    FORMATS,
    Format,
)
from kwika.modules.media.processing import Prepared, clean_filename, prepare
from kwika.modules.media.quota import give_back, reserve

# Re-exported: tests import these two from here.
from kwika.modules.media.storage_backends import BackendUnavailable as BackendUnavailable
from kwika.modules.media.storage_backends import MediaConfigError as MediaConfigError
from kwika.modules.media.storage_backends import (
    backends,
    reachable,
    storage,
    storage_of,
)

log = logging.getLogger(__name__)


@dataclass
class Ingested:
    backend: str  # the backend that holds the bytes
    fmt: Format
    main: StoredObject
    thumbnail: StoredObject | None
    width: int | None
    height: int | None

    @property
    def stored_bytes(self) -> int:
        return self.main.size + (self.thumbnail.size if self.thumbnail else 0)

    def fields(self) -> dict[str, Any]:
        """The document fields describing what was stored."""
        return {
            "backend": self.backend,
            "content_type": self.fmt.content_type,
            "format": self.fmt.name,
            "kind": self.fmt.kind,
            "key": self.main.key,
            "thumbnail_key": self.thumbnail.key if self.thumbnail else None,
            "url": self.main.url,
            "thumbnail_url": self.thumbnail.url if self.thumbnail else None,
            "file_size": self.main.size,
            "stored_bytes": self.stored_bytes,
            "width": self.width,
            "height": self.height,
        }


# Decoding is what costs memory (up to an image rule's max_decoded_bytes, several times over
# while resizing): this many files are prepared at once per process, the others wait.
CONCURRENT_PREPARATIONS = 2
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _processing_slot() -> asyncio.Semaphore:
    """The semaphore of the running loop (tests and the worker run several loops)."""
    loop = asyncio.get_running_loop()
    slot = _slots.get(loop)
    if slot is None:
        slot = _slots[loop] = asyncio.Semaphore(CONCURRENT_PREPARATIONS)
    return slot


def _new_key(rule: ContextRule, ext: str) -> tuple[str, str]:
    now = clock.now()
    visibility = "private" if rule.private else "public"
    stem = f"{visibility}/{rule.name}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"
    return f"{stem}.{ext}", f"{stem}_thumb.{ext}"


async def ingest(
    owner_id: ObjectId, rule: ContextRule, stream: IO[bytes], field: str = "file"
) -> Ingested:
    """Validate and store bytes for ``owner_id``; the caller records the document (and
    calls :func:`undo` if it cannot). When the backend fails, whatever it stored is
    deleted, the quota is given back and the answer is 503."""
    max_pixels = runtime.get().settings.media.max_image_pixels
    async with _processing_slot():
        prepared = await asyncio.to_thread(prepare, rule, stream, max_pixels, field)
    backend = storage()
    await reserve(owner_id, prepared.total_bytes)
    key, thumbnail_key = _new_key(rule, prepared.fmt.name)
    options: SaveOptions = {
        "kind": prepared.fmt.kind,
        "ext": prepared.fmt.name,
        "private": rule.private,
    }
    saved: list[StoredObject] = []
    try:
        saved.append(await backend.save(key, prepared.main, **options))
        if prepared.thumbnail is not None:
            thumb = io.BytesIO(prepared.thumbnail)
            saved.append(await backend.save(thumbnail_key, thumb, **options))
    except asyncio.CancelledError:
        # Cancelled mid-write (shutdown): the clean-up runs in a task of its own.
        _in_background(_abandon(owner_id, prepared, backend, saved, rule.private))
        raise
    except Exception as exc:
        # Every failure, expected (StorageError) or not, leaves nothing behind.
        if isinstance(exc, StorageError):
            log.error("storing %s on %s failed: %s", key, backend.name, exc)
        else:
            log.exception("storing %s on %s failed unexpectedly", key, backend.name)
        await _abandon(owner_id, prepared, backend, saved, rule.private)
        raise DependencyUnavailable(
            "file storage", "The file could not be stored right now. Please try again."
        ) from exc
    ingested = Ingested(
        backend=backend.name,
        fmt=prepared.fmt,
        main=saved[0],
        thumbnail=saved[1] if len(saved) > 1 else None,
        width=prepared.width,
        height=prepared.height,
    )
    # The backend may count bytes differently (Cloudinary re-measures): settle the quota.
    difference = ingested.stored_bytes - prepared.total_bytes
    if difference:
        await StorageUsage.get_motor_collection().update_one(
            {"_id": owner_id}, {"$inc": {"bytes": difference}}
        )
    return ingested


async def _abandon(
    owner_id: ObjectId,
    prepared: Prepared,
    backend: Storage,
    saved: list[StoredObject],
    private: bool,
) -> None:
    """Give back the quota an interrupted :func:`ingest` reserved and delete what it stored."""
    await give_back(owner_id, prepared.total_bytes)
    for stored in saved:
        await _delete_quietly(backend, stored.key, prepared.fmt, private)


_background: set[asyncio.Task[None]] = set()


def _in_background(work: Coroutine[Any, Any, None]) -> None:
    task = asyncio.ensure_future(work)
    _background.add(task)  # keep a reference until it is done
    task.add_done_callback(_background.discard)


async def undo(owner_id: ObjectId, ingested: Ingested, private: bool) -> None:
    """Take back an :func:`ingest` whose document could not be recorded."""
    backend = backends().stores[ingested.backend]
    for stored in (ingested.main, ingested.thumbnail):
        if stored is not None:
            await _delete_quietly(backend, stored.key, ingested.fmt, private)
    await give_back(owner_id, ingested.stored_bytes)


async def _delete_quietly(backend: Storage, key: str, fmt: Format, private: bool) -> bool:
    try:
        await backend.delete(key, kind=fmt.kind, ext=fmt.name, private=private)
    except StorageError as exc:
        log.warning("could not delete %s from %s: %s", key, backend.name, exc)
        return False
    return True


async def discard(file: StoredFile) -> None:
    """Delete a file's bytes on its own backend and give its bytes back to the quota
    (document untouched). :class:`BackendUnavailable` before anything happens when that
    backend is not configured."""
    if file.key is None or file.format is None:
        return
    fmt = FORMATS[file.format]
    backend = storage_of(file)
    for key in (file.key, file.thumbnail_key):
        if key:
            await _delete_quietly(backend, key, fmt, file.private)
    await give_back(file.owner_id, file.stored_bytes)


def ensure_reachable(file: StoredFile) -> None:
    """503 (logged) unless the backend holding the file's bytes is configured."""
    if file.key is not None:
        storage_of(file)


async def remove(file: StoredFile) -> bool:
    """Delete the document first (so only one caller wins), then the bytes. Raises
    :class:`BackendUnavailable` (document kept) when the file's backend is not configured."""
    ensure_reachable(file)
    result = await StoredFile.get_motor_collection().delete_one({"_id": file.id})
    if result.deleted_count != 1:
        return False
    await discard(file)
    return True


async def create_completed(
    owner_id: ObjectId,
    rule: ContextRule,
    filename: str | None,
    stream: IO[bytes],
    *,
    context_id: str | None = None,
    used_by: UsedBy | None = None,
    field: str = "file",
) -> StoredFile:
    ingested = await ingest(owner_id, rule, stream, field)
    now = clock.now()
    try:
        file = StoredFile(
            owner_id=owner_id,
            context=rule.name,
            context_id=context_id,
            status="completed",
            filename=clean_filename(filename, f"file.{ingested.fmt.name}"),
            private=rule.private,
            used_by=[used_by] if used_by else [],
            created_at=now,
            updated_at=now,
            completed_at=now,
            **ingested.fields(),
        )
        await file.insert()
    except Exception:
        await undo(owner_id, ingested, rule.private)
        raise
    return file


async def sweep(now: datetime | None = None) -> dict[str, int]:
    """Expire uploads that never arrived or were never confirmed; with
    ``orphan_ttl_hours`` set, delete completed files nothing ever claimed."""
    now = now or clock.now()
    counts = {"expired": 0, "orphans": 0, "unreachable": 0}
    collection = StoredFile.get_motor_collection()
    result = await collection.update_many(
        {"status": "pending", "expires_at": {"$lt": now}},
        {"$set": {"status": "expired", "updated_at": now}},
    )
    counts["expired"] += result.modified_count
    async for raw in collection.find({"status": "uploaded", "expires_at": {"$lt": now}}):
        file = StoredFile.model_validate(raw)
        if not reachable(file):  # kept until its backend is configured again
            counts["unreachable"] += 1
            continue
        claimed = await collection.update_one(
            {"_id": file.id, "status": "uploaded"},
            {
                "$set": {"status": "expired", "updated_at": now, "stored_bytes": 0},
                "$unset": {"key": "", "thumbnail_key": "", "url": "", "thumbnail_url": ""},
            },
        )
        if claimed.modified_count == 1:
            await discard(file)
            counts["expired"] += 1
    orphan_hours = runtime.get().settings.media.orphan_ttl_hours
    if orphan_hours > 0:
        cutoff = now - timedelta(hours=orphan_hours)
        query = {"status": "completed", "completed_at": {"$lt": cutoff}, "used_by": {"$size": 0}}
        async for raw in collection.find(query):
            orphan = StoredFile.model_validate(raw)
            if not reachable(orphan):
                counts["unreachable"] += 1
            elif await remove(orphan):
                counts["orphans"] += 1
    if counts["unreachable"]:
        log.error(
            "media sweep left %d files whose backend is not configured (%s)",
            counts["unreachable"],
            backends().unavailable,
        )
    return counts
