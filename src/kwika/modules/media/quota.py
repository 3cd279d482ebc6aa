"""The per-user storage quota: reserved with a guarded ``$inc``, given back on removal."""

from __future__ import annotations

import contextlib

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import runtime
from kwika.modules.media.documents import StorageUsage
from kwika.modules.media.exceptions import StorageQuotaExceeded

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
