"""Reading and claiming stored files: URLs, status, look-ups and ``used_by``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.modules.media.documents import StoredFile, UsedBy
from kwika.modules.media.formats import (
    FORMATS,
)
from kwika.modules.media.storage_backends import BackendUnavailable, storage_of

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
