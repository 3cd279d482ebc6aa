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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.errors import BadRequest, DependencyUnavailable, FieldError, ValidationFailed
from kwika.core.security import BadSignature
from kwika.integrations.storage import LocalStorage, Storage, StorageError, StoredObject
from kwika.modules.media import imaging
from kwika.modules.media.contexts import ContextRule
from kwika.modules.media.documents import StorageUsage, StoredFile, UsedBy
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
CORRUPT_IMAGE = "The image is corrupt or cannot be read"
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/<>:|?*]+')


# ---------------------------------------------------------------- storage backend


def media_base_url() -> str:
    settings = runtime.get().settings
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


def storage() -> Storage:
    """The running process's backend, built on first use and kept with its adapters."""
    rt = runtime.get()
    adapters: dict[str, Any] = rt.adapters
    if _STORAGE_ADAPTER not in adapters:
        settings = rt.settings
        if settings.media.backend == "cloudinary":
            from kwika.integrations.cloudinary import CloudinaryStorage

            adapters[_STORAGE_ADAPTER] = CloudinaryStorage(settings.cloudinary)
        else:
            adapters[_STORAGE_ADAPTER] = LocalStorage(
                settings.media.root, media_base_url(), sign_file_token
            )
    backend: Storage = adapters[_STORAGE_ADAPTER]
    return backend


def local_storage() -> LocalStorage | None:
    backend = storage()
    return backend if isinstance(backend, LocalStorage) else None


# ---------------------------------------------------------------- validation + processing


@dataclass
class Prepared:
    """Validated bytes ready to store (images already re-encoded)."""

    fmt: Format
    main: BinaryIO
    size: int
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None

    @property
    def total_bytes(self) -> int:
        return self.size + len(self.thumbnail or b"")


def clean_filename(name: str | None, fallback: str = "file") -> str:
    """The client's filename for display and downloads only: no path, no control chars."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", _UNSAFE_FILENAME.sub("_", base)).strip(" ._")
    return base[:200] or fallback


def too_large(max_size: int, provided: int, field: str = "file") -> ValidationFailed:
    return ValidationFailed(
        "File size exceeds maximum allowed",
        errors=[FieldError(field, f"The file must be at most {max_size // (1024 * 1024)} MB")],
        data={"max_size": max_size, "provided_size": provided},
    )


def not_accepted(rule: ContextRule, field: str = "file") -> ValidationFailed:
    return ValidationFailed(
        "Invalid file",
        errors=[
            FieldError(
                field, f"File type not accepted. Please upload one of: {rule.allowed_labels}"
            )
        ],
        data={"allowed_types": rule.allowed_content_types},
    )


def _size_of(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


class CorruptImage(Exception):
    """An image signature, but Pillow cannot read the header."""


def sniff(stream: BinaryIO) -> Format | None:
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


def prepare(rule: ContextRule, stream: BinaryIO, max_pixels: int, field: str) -> Prepared:
    """Sniff, check against the context, process images. Blocking: run it in a thread."""
    size = _size_of(stream)
    if size == 0:
        raise ValidationFailed.single(field, "The file is empty")
    if size > rule.largest:
        raise too_large(rule.largest, size, field)
    try:
        fmt = sniff(stream)
    except CorruptImage:
        if "image" not in rule.limits:
            raise not_accepted(rule, field) from None
        raise ValidationFailed.single(field, CORRUPT_IMAGE) from None
    if fmt is None or not rule.allows(fmt):
        raise not_accepted(rule, field)
    if size > rule.max_size(fmt.kind):
        raise too_large(rule.max_size(fmt.kind), size, field)
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


def _quota_error(used: int, size: int) -> BadRequest:
    return BadRequest(
        "Storage quota exceeded. Delete some files and try again.",
        code="STORAGE_QUOTA_EXCEEDED",
        data={"storage_used": used, "storage_limit": quota_bytes(), "provided_size": size},
    )


# ---------------------------------------------------------------- storing


@dataclass
class Ingested:
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


def _new_key(rule: ContextRule, ext: str) -> tuple[str, str]:
    now = clock.now()
    visibility = "private" if rule.private else "public"
    stem = f"{visibility}/{rule.name}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"
    return f"{stem}.{ext}", f"{stem}_thumb.{ext}"


async def ingest(
    owner_id: ObjectId, rule: ContextRule, stream: BinaryIO, field: str = "file"
) -> Ingested:
    """Validate and store bytes for ``owner_id``; the caller records the document."""
    max_pixels = runtime.get().settings.media.max_image_pixels
    prepared = await asyncio.to_thread(prepare, rule, stream, max_pixels, field)
    await reserve(owner_id, prepared.total_bytes)
    backend = storage()
    key, thumbnail_key = _new_key(rule, prepared.fmt.name)
    options = {"kind": prepared.fmt.kind, "ext": prepared.fmt.name, "private": rule.private}
    saved: list[StoredObject] = []
    try:
        saved.append(await backend.save(key, prepared.main, **options))
        if prepared.thumbnail is not None:
            thumb = io.BytesIO(prepared.thumbnail)
            saved.append(await backend.save(thumbnail_key, thumb, **options))
    except StorageError as exc:
        log.error("storing %s failed: %s", key, exc)
        await give_back(owner_id, prepared.total_bytes)
        for stored in saved:
            await _delete_quietly(backend, stored.key, prepared.fmt, rule.private)
        raise DependencyUnavailable("file storage") from exc
    ingested = Ingested(
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


async def _delete_quietly(backend: Storage, key: str, fmt: Format, private: bool) -> bool:
    try:
        await backend.delete(key, kind=fmt.kind, ext=fmt.name, private=private)
    except StorageError as exc:
        log.warning("could not delete %s: %s", key, exc)
        return False
    return True


async def discard(file: StoredFile) -> None:
    """Delete a file's bytes and give its bytes back to the quota (document untouched)."""
    if file.key is None or file.format is None:
        return
    fmt = FORMATS[file.format]
    backend = storage()
    for key in (file.key, file.thumbnail_key):
        if key:
            await _delete_quietly(backend, key, fmt, file.private)
    await give_back(file.owner_id, file.stored_bytes)


async def remove(file: StoredFile) -> bool:
    """Delete the document first (so only one caller wins), then the bytes."""
    result = await StoredFile.get_motor_collection().delete_one({"_id": file.id})
    if result.deleted_count != 1:
        return False
    await discard(file)
    return True


async def create_completed(
    owner_id: ObjectId,
    rule: ContextRule,
    filename: str | None,
    stream: BinaryIO,
    *,
    context_id: str | None = None,
    used_by: UsedBy | None = None,
    field: str = "file",
) -> StoredFile:
    ingested = await ingest(owner_id, rule, stream, field)
    now = clock.now()
    file = StoredFile(
        owner_id=owner_id,
        context=rule.name,
        context_id=context_id,
        status="completed",
        filename=clean_filename(filename, f"file.{ingested.fmt.name}"),
        backend=storage().name,
        private=rule.private,
        used_by=[used_by] if used_by else [],
        created_at=now,
        updated_at=now,
        completed_at=now,
        **ingested.fields(),
    )
    try:
        await file.insert()
    except Exception:
        await discard(file)
        raise
    return file


# ---------------------------------------------------------------- reading


def urls(file: StoredFile) -> tuple[str | None, str | None]:
    """``(file_url, thumbnail_url)``: stable for public files, freshly signed for private."""
    if file.status not in ("uploaded", "completed") or file.key is None or file.format is None:
        return None, None
    if not file.private:
        return file.url, file.thumbnail_url
    fmt = FORMATS[file.format]
    ttl = runtime.get().settings.media.private_url_ttl_seconds
    expires_at = clock.now() + timedelta(seconds=ttl)
    backend = storage()

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


# ---------------------------------------------------------------- sweeping


async def sweep(now: datetime | None = None) -> dict[str, int]:
    """Expire uploads that never arrived or were never confirmed; with
    ``orphan_ttl_hours`` set, delete completed files nothing ever claimed."""
    now = now or clock.now()
    counts = {"expired": 0, "orphans": 0}
    collection = StoredFile.get_motor_collection()
    result = await collection.update_many(
        {"status": "pending", "expires_at": {"$lt": now}},
        {"$set": {"status": "expired", "updated_at": now}},
    )
    counts["expired"] += result.modified_count
    async for raw in collection.find({"status": "uploaded", "expires_at": {"$lt": now}}):
        file = StoredFile.model_validate(raw)
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
            if await remove(StoredFile.model_validate(raw)):
                counts["orphans"] += 1
    return counts
