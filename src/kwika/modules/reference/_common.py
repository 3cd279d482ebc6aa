"""Helpers shared by the reference reads and writes: record conversion and write steps."""

from __future__ import annotations

import re
import secrets
from typing import Any, TypeVar

from beanie import Document
from bson import ObjectId
from pydantic import BaseModel
from pymongo.errors import DuplicateKeyError

from kwika.core import clock
from kwika.core.ids import parse_id
from kwika.core.schemas import ResponseSchema
from kwika.modules.reference import cache
from kwika.modules.reference.exceptions import (
    AlreadyExists,
    NameTaken,
    RecordNotFound,
)

R = TypeVar("R", bound=ResponseSchema)
D = TypeVar("D", bound=Document)

LIVE: dict[str, Any] = {"deleted_at": None}
ORDER = ["+display_order", "+name"]


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "item"


def as_record(document: Document, record: type[R], **extra: Any) -> dict[str, Any]:
    values = {**document.model_dump(), "id": str(document.id), **extra}
    for name, value in list(values.items()):
        if isinstance(value, ObjectId):
            values[name] = str(value)
    return record.model_validate(values).model_dump(mode="json")


# ---------------------------------------------------------------- write helpers


async def find(document: type[D], object_id: str, what: str) -> D:
    found = await document.find_one({"_id": parse_id(object_id, what), **LIVE})
    if found is None:
        raise RecordNotFound(what)
    return found


async def ensure_unique_name(
    document: type[Document],
    name: str,
    what: str,
    *,
    scope: dict[str, Any] | None = None,
    exclude: ObjectId | None = None,
) -> None:
    query: dict[str, Any] = {
        "name": {"$regex": f"^{re.escape(name)}$", "$options": "i"},
        **LIVE,
        **(scope or {}),
    }
    if exclude is not None:
        query["_id"] = {"$ne": exclude}
    if await document.find_one(query) is not None:
        raise NameTaken(what)


async def free_key(document: type[Document], key: str) -> str:
    """``key``, or ``key_<random>`` when a (possibly deleted) record already holds it."""
    if await document.find_one({"key": key}) is None:
        return key
    return f"{key}_{secrets.token_hex(3)}"


async def insert(item: D) -> D:
    try:
        await item.insert()
    except DuplicateKeyError as exc:
        raise AlreadyExists() from exc
    await cache.invalidate()
    return item


async def apply(document: type[D], item: D, changes: BaseModel) -> D:
    values = changes.model_dump(exclude_unset=True)
    if not values:
        return item
    values["updated_at"] = clock.now()
    await document.get_motor_collection().update_one({"_id": item.id}, {"$set": values})
    await cache.invalidate()
    refreshed = await document.get(item.id)
    assert refreshed is not None
    return refreshed


async def soft_delete(document: type[Document], query: dict[str, Any]) -> None:
    now = clock.now()
    await document.get_motor_collection().update_many(
        {**query, **LIVE}, {"$set": {"deleted_at": now, "updated_at": now, "is_active": False}}
    )


def record_of(item: Document, record: type[R], **extra: Any) -> R:
    return record.model_validate(as_record(item, record, **extra))
