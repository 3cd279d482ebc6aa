"""The media service: validating, processing, storing, claiming and deleting files.

Every upload in Kwika comes through :func:`ingest`: the type is sniffed from the bytes,
the context decides formats, size and shape, images are re-encoded without metadata, and
the bytes are stored under a server-generated key. The quota is reserved with a guarded
``$inc`` before anything is written and given back when a file goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import unicodedata
import uuid
import weakref
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.config import Settings
from kwika.core import clock, runtime
from kwika.core.errors import DependencyUnavailable, ValidationFailed
from kwika.core.security import BadSignature
from kwika.integrations.storage import (
    LocalStorage,
    SaveOptions,
    Storage,
    StorageError,
    StoredObject,
)
from kwika.modules.media import imaging
from kwika.modules.media.contexts import ContextRule
from kwika.modules.media.documents import StorageUsage, StoredFile, UsedBy
from kwika.modules.media.exceptions import FileTooLarge, FileTypeNotAccepted, StorageQuotaExceeded
from kwika.modules.media.formats import (
    FORMATS,
    HEAD_BYTES,
    Format,
    looks_like_image,
    sniff_non_image,
)

log = logging.getLogger(__name__)

API_MEDIA_PATH = "/api/v1/media"
FILE_TOKEN_PURPOSE = "media-file"
_STORAGE_ADAPTER = "media_storage"
LOCAL = "local"
CLOUDINARY = "cloudinary"
CORRUPT_IMAGE = "The image is corrupt or cannot be read"
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/<>:|?*]+')


# ---------------------------------------------------------------- storage backend


def media_base_url(settings: Settings | None = None) -> str:
    settings = settings or runtime.get().settings
    return (settings.media.base_url or f"{settings.public_base_url}{API_MEDIA_PATH}").rstrip("/")


def sign_file_token(key: str, filename: str, expires_at: datetime) -> str:
    """A token for one private file; ``until`` follows ``clock`` so tests can move time."""
    ttl = max(1, int((expires_at - clock.now()).total_seconds()))
    payload = {"k": key, "fn": filename, "until": int(expires_at.timestamp())}
    return runtime.get().keyring.sign(FILE_TOKEN_PURPOSE, payload, ttl)


def check_file_token(key: str, token: str) -> str:
    """The filename a valid token carries for ``key``; raises BadSignature otherwise."""
    payload = runtime.get().keyring.unsign(FILE_TOKEN_PURPOSE, token)
    if payload.get("k") != key or int(payload.get("until", 0)) < clock.now().timestamp():
        raise BadSignature("wrong file or expired")
    return str(payload.get("fn") or "")


class MediaConfigError(RuntimeError):
    """The backend chosen for new files cannot be built: the process refuses to start."""


class BackendUnavailable(DependencyUnavailable):
    """A file is kept on a backend this process has no settings for (any more): 503."""

    def __init__(self, backend: str) -> None:
        super().__init__(
            "file storage",
            "This file is kept on a storage service that is not available right now. "
            "Please try again later.",
        )
        self.backend = backend


@dataclass(frozen=True)
class Backends:
    """Every backend this process can reach, and the one new files go to. Each file is
    read, signed and deleted on the backend recorded in its ``backend`` field."""

    default: str
    stores: dict[str, Storage]
    # Backends that could not be built, with the reason (the settings they lack).
    unavailable: dict[str, str]

    @property
    def for_new_files(self) -> Storage:
        return self.stores[self.default]


def build_backends(settings: Settings) -> Backends:
    """The local backend always exists (its files stay served after a switch to
    Cloudinary); Cloudinary exists whenever its settings are complete. Raises
    :class:`MediaConfigError` naming the missing settings when ``KWIKA_MEDIA__BACKEND``
    selects a backend that cannot be built."""
    stores: dict[str, Storage] = {
        LOCAL: LocalStorage(settings.media.root, media_base_url(settings), sign_file_token)
    }
    unavailable: dict[str, str] = {}
    missing = settings.cloudinary.missing()
    if missing:
        unavailable[CLOUDINARY] = f"{', '.join(missing)} not set"
    else:
        from kwika.integrations.cloudinary import CloudinaryStorage

        stores[CLOUDINARY] = CloudinaryStorage(settings.cloudinary)
    if settings.media.backend not in stores:
        raise MediaConfigError(
            f"KWIKA_MEDIA__BACKEND={settings.media.backend} needs {', '.join(missing)}: "
            "set them or choose another backend (documents/runbooks/media-storage.md)"
        )
    return Backends(default=settings.media.backend, stores=stores, unavailable=unavailable)


def backends() -> Backends:
    """The process's backends, built at start-up (:func:`start`) and kept with its adapters."""
    rt = runtime.get()
    adapters: dict[str, Any] = rt.adapters
    if _STORAGE_ADAPTER not in adapters:
        adapters[_STORAGE_ADAPTER] = build_backends(rt.settings)
    found: Backends = adapters[_STORAGE_ADAPTER]
    return found


def storage() -> Storage:
    """Where new files go (``KWIKA_MEDIA__BACKEND``)."""
    return backends().for_new_files


def storage_of(file: StoredFile) -> Storage:
    """The backend holding ``file``; 503 (and an error in the log) when this process
    cannot reach it because its settings are gone."""
    found = backends()
    backend = found.stores.get(file.backend)
    if backend is None:
        log.error(
            "media file %s is kept on %r, which is not configured (%s): it cannot be signed "
            "or deleted until it is (documents/runbooks/media-storage.md)",
            file.id,
            file.backend,
            found.unavailable.get(file.backend, "unknown backend"),
        )
        raise BackendUnavailable(file.backend)
    return backend


def reachable(file: StoredFile) -> bool:
    """Whether the backend holding ``file`` is configured here (no log, no error)."""
    return file.backend in backends().stores


def local_storage() -> LocalStorage:
    """The local backend: always present, it serves ``/api/v1/media/<key>``."""
    backend = backends().stores[LOCAL]
    assert isinstance(backend, LocalStorage)
    return backend


async def start() -> None:
    """Start-up hook: build the backends, so a missing Cloudinary setting stops the process
    at once with a clear error instead of failing uploads; then report files kept on a
    backend this process cannot reach."""
    rt = runtime.get()
    found = build_backends(rt.settings)
    rt.adapters[_STORAGE_ADAPTER] = found
    missing = rt.settings.cloudinary.missing()
    if CLOUDINARY in found.unavailable and len(missing) < 3:  # some set: likely a typo
        log.warning("Cloudinary is not used: %s", found.unavailable[CLOUDINARY])
    collection = StoredFile.get_motor_collection()
    for name, reason in found.unavailable.items():
        stranded = await collection.count_documents({"backend": name, "key": {"$exists": True}})
        if stranded:
            log.error(
                "%d media files are kept on %r, which is not configured (%s): their private "
                "links and deletion answer 503 until it is",
                stranded,
                name,
                reason,
            )


# ---------------------------------------------------------------- validation + processing


@dataclass
class Prepared:
    """Validated bytes ready to store (images already re-encoded)."""

    fmt: Format
    main: IO[bytes]
    size: int
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None

    @property
    def total_bytes(self) -> int:
        return self.size + len(self.thumbnail or b"")


def clean_filename(name: str | None, fallback: str = "file") -> str:
    """The client's filename for display and downloads only: no path, no control chars,
    no invisible formatting characters (Unicode Cf: bidi overrides such as U+202E, which
    make ``invoice\u202egpj.exe`` read as ``invoiceexe.jpg``, zero-width spaces, ...)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        "_" if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in base
        if unicodedata.category(char) != "Cf"
    )
    base = _UNSAFE_FILENAME.sub("_", base).strip(" ._")
    return base[:200] or fallback


def not_accepted(rule: ContextRule, field: str = "file") -> FileTypeNotAccepted:
    return FileTypeNotAccepted(rule.allowed_labels, rule.allowed_content_types, field)


def _size_of(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


class CorruptImage(Exception):
    """An image signature, but Pillow cannot read the header."""


def sniff(stream: IO[bytes]) -> Format | None:
    """What the bytes are, whatever the name or declared type says."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if looks_like_image(head):
        name = imaging.identify(stream)
        if name is None:
            raise CorruptImage
    else:
        name = sniff_non_image(stream)
    return FORMATS.get(name) if name else None


def prepare(rule: ContextRule, stream: IO[bytes], max_pixels: int, field: str) -> Prepared:
    """Sniff, check against the context, process images. Blocking: run it in a thread."""
    size = _size_of(stream)
    if size == 0:
        raise ValidationFailed.single(field, "The file is empty")
    if size > rule.largest:
        raise FileTooLarge(rule.largest, size, field)
    try:
        fmt = sniff(stream)
    except imaging.InvalidImage as exc:  # a header beyond Pillow's bomb limit
        raise ValidationFailed.single(field, str(exc)) from None
    except CorruptImage:
        if "image" not in rule.limits:
            raise not_accepted(rule, field) from None
        raise ValidationFailed.single(field, CORRUPT_IMAGE) from None
    if fmt is None or not rule.allows(fmt):
        raise not_accepted(rule, field)
    if size > rule.max_size(fmt.kind):
        raise FileTooLarge(rule.max_size(fmt.kind), size, field)
    if fmt.kind != "image":
        return Prepared(fmt, stream, size)
    try:
        processed = imaging.process(stream, rule.image, max_pixels)
    except imaging.InvalidImage as exc:
        raise ValidationFailed.single(field, str(exc)) from exc
    return Prepared(
        fmt=FORMATS[processed.output_format],
        main=io.BytesIO(processed.main.data),
        size=len(processed.main.data),
        thumbnail=processed.thumbnail.data,
        width=processed.main.width,
        height=processed.main.height,
    )


# ---------------------------------------------------------------- quota


async def storage_used(owner_id: ObjectId) -> int:
    usage = await StorageUsage.get(owner_id)
    return usage.bytes if usage else 0


def quota_bytes() -> int:
    return runtime.get().settings.media.quota_bytes


async def check_quota(owner_id: ObjectId, size: int) -> None:
    """Early answer for a declared size (upload requests); :func:`reserve` decides."""
    used = await storage_used(owner_id)
    if used + size > quota_bytes():
        raise _quota_error(used, size)


async def reserve(owner_id: ObjectId, size: int) -> None:
    collection = StorageUsage.get_motor_collection()
    # Another upload of this user may create it at the same moment.
    with contextlib.suppress(DuplicateKeyError):
        await collection.update_one(
            {"_id": owner_id}, {"$setOnInsert": {"bytes": 0, "files": 0}}, upsert=True
        )
    result = await collection.update_one(
        {"_id": owner_id, "bytes": {"$lte": quota_bytes() - size}},
        {"$inc": {"bytes": size, "files": 1}},
    )
    if result.modified_count != 1:
        raise _quota_error(await storage_used(owner_id), size)


async def give_back(owner_id: ObjectId, size: int) -> None:
    collection = StorageUsage.get_motor_collection()
    result = await collection.update_one(
        {"_id": owner_id, "bytes": {"$gte": size}}, {"$inc": {"bytes": -size, "files": -1}}
    )
    if result.modified_count != 1:
        # Never below zero, even if an earlier release was counted twice.
        await collection.update_one({"_id": owner_id}, {"$set": {"bytes": 0, "files": 0}})


def _quota_error(used: int, size: int) -> StorageQuotaExceeded:
    return StorageQuotaExceeded(used, quota_bytes(), size)


# ---------------------------------------------------------------- storing


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


# ---------------------------------------------------------------- reading


def urls(file: StoredFile, *, strict: bool = True) -> tuple[str | None, str | None]:
    """``(file_url, thumbnail_url)``: stable for public files, freshly signed for private
    ones by the backend holding them. When that backend is not configured: 503, or with
    ``strict=False`` (lists) no URLs for this file."""
    if file.status not in ("uploaded", "completed") or file.key is None or file.format is None:
        return None, None
    if not file.private:
        return file.url, file.thumbnail_url
    fmt = FORMATS[file.format]
    ttl = runtime.get().settings.media.private_url_ttl_seconds
    expires_at = clock.now() + timedelta(seconds=ttl)
    try:
        backend = storage_of(file)
    except BackendUnavailable:
        if strict:
            raise
        return None, None

    def sign(key: str) -> str:
        return backend.private_url(
            key, kind=fmt.kind, ext=fmt.name, filename=file.filename, expires_at=expires_at
        )

    return sign(file.key), (sign(file.thumbnail_key) if file.thumbnail_key else None)


def effective_status(file: StoredFile) -> str:
    """Pending uploads past their deadline read as expired before the sweeper runs."""
    if (
        file.status in ("pending", "uploaded")
        and file.expires_at is not None
        and clock.as_utc(file.expires_at) < clock.now()
    ):
        return "expired"
    return file.status


async def find(file_id: str | ObjectId) -> StoredFile | None:
    if isinstance(file_id, str):
        if len(file_id) != 24 or not ObjectId.is_valid(file_id):
            return None
        file_id = ObjectId(file_id)
    return await StoredFile.get(file_id)


async def find_many(file_ids: Iterable[str | ObjectId]) -> list[StoredFile]:
    ids = [
        ObjectId(i) if isinstance(i, str) else i
        for i in file_ids
        if isinstance(i, ObjectId) or (len(i) == 24 and ObjectId.is_valid(i))
    ]
    if not ids:
        return []
    return await StoredFile.find({"_id": {"$in": ids}}).to_list()


# ---------------------------------------------------------------- claiming


async def add_use(file_id: ObjectId, used_by: UsedBy) -> None:
    collection = StoredFile.get_motor_collection()
    await collection.update_one(
        {
            "_id": file_id,
            "used_by": {"$not": {"$elemMatch": {"type": used_by.type, "id": used_by.id}}},
        },
        {"$push": {"used_by": used_by.model_dump()}, "$set": {"updated_at": clock.now()}},
    )


async def drop_use(file_id: ObjectId, used_by: UsedBy) -> StoredFile | None:
    collection = StoredFile.get_motor_collection()
    await collection.update_one(
        {"_id": file_id},
        {
            "$pull": {"used_by": {"type": used_by.type, "id": used_by.id}},
            "$set": {"updated_at": clock.now()},
        },
    )
    return await StoredFile.get(file_id)


async def drop_all_uses(file_id: ObjectId) -> None:
    await StoredFile.get_motor_collection().update_one(
        {"_id": file_id}, {"$set": {"used_by": [], "updated_at": clock.now()}}
    )


# ---------------------------------------------------------------- sweeping


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
