"""The reference-data seeder: idempotent, insert-only upserts by stable key.

Seeded ids are derived from the keys, so every deployment (and every re-seed of an empty
database) gives a category or service type the same id. Records that exist are never
changed (staff edits win, like seed 003's ``ON CONFLICT DO NOTHING``), and soft-deleted
ones are not resurrected. One ``distinct`` and one ``insert_many`` per collection keep the
embedded app's start-up seed fast.
"""

from __future__ import annotations

import hashlib
from typing import Any

from beanie import Document
from bson import ObjectId
from pymongo.errors import BulkWriteError

from kwika.core import clock
from kwika.core.module import SeedContext
from kwika.modules.reference import cache, data
from kwika.modules.reference.documents import (
    Country,
    Currency,
    EventType,
    EventTypeCategory,
    Interest,
    KycRequirement,
    ServiceCategory,
    ServiceType,
    ServiceTypeKyc,
)

PROGRESS = "Reference data"
DUPLICATE_KEY = 11000


def seed_id(document: type[Document], key: str) -> ObjectId:
    """A stable id for a seeded record: the same on every deployment."""
    name = document.get_settings().name
    return ObjectId(hashlib.sha256(f"{name}:{key}".encode()).digest()[:12])


async def _upsert(document: type[Document], records: list[dict[str, Any]]) -> int:
    """Insert the records whose key is missing; returns how many were written."""
    collection = document.get_motor_collection()
    existing = set(await collection.distinct("key"))
    now = clock.now()
    rows = [
        {"_id": seed_id(document, r["key"]), "created_at": now, "updated_at": now, **r}
        for r in records
        if r["key"] not in existing
    ]
    if not rows:
        return 0
    try:
        await collection.insert_many(rows, ordered=False)
    except BulkWriteError as exc:
        # Another process seeded the same keys at the same moment: theirs stand.
        if any(error.get("code") != DUPLICATE_KEY for error in exc.details["writeErrors"]):
            raise
        return int(exc.details.get("nInserted", 0))
    return len(rows)


async def _ids_by_key(document: type[Document]) -> dict[str, ObjectId]:
    rows = document.get_motor_collection().find({}, {"key": 1})
    return {row["key"]: row["_id"] async for row in rows}


def _service_types(categories: dict[str, ObjectId]) -> list[dict[str, Any]]:
    orders: dict[str, int] = {}
    records = []
    for category_key, type_key, name, description in data.SERVICE_TYPES:
        orders[category_key] = orders.get(category_key, 0) + 1
        if category_key not in categories:
            continue
        records.append(
            {
                "key": f"{category_key}/{type_key}",
                "category_id": categories[category_key],
                "name": name,
                "description": description,
                "is_active": True,
                "display_order": orders[category_key],
                "service_count": 0,
            }
        )
    return records


def _mappings(
    types: dict[str, ObjectId], requirements: dict[str, ObjectId]
) -> list[dict[str, Any]]:
    records = []
    for category_key, type_key, _, _ in data.SERVICE_TYPES:
        full_key = f"{category_key}/{type_key}"
        for requirement_key, mandatory in data.KYC_BY_CATEGORY[category_key].items():
            if full_key in types and requirement_key in requirements:
                records.append(
                    {
                        "key": f"{full_key}|{requirement_key}",
                        "service_type_id": types[full_key],
                        "kyc_requirement_id": requirements[requirement_key],
                        "is_mandatory": mandatory,
                    }
                )
    return records


def _event_type_categories(
    events: dict[str, ObjectId], categories: dict[str, ObjectId]
) -> list[dict[str, Any]]:
    return [
        {
            "key": f"{event}|{category}",
            "event_type_id": events[event],
            "service_category_id": categories[category],
        }
        for event, suited in data.EVENT_TYPE_CATEGORIES.items()
        for category in suited
        if event in events and category in categories
    ]


def _active(records: list[dict[str, Any]], **extra: Any) -> list[dict[str, Any]]:
    return [{"is_active": True, **extra, **record} for record in records]


async def seed_reference(context: SeedContext) -> int:
    """Event types, service categories + types, KYC requirements and their mapping,
    currencies, countries and interests."""
    steps = 8
    written = 0

    def progress(done: int) -> None:
        context.progress(PROGRESS, done, steps)

    written += await _upsert(EventType, _active(data.EVENT_TYPES))
    progress(1)
    written += await _upsert(ServiceCategory, _active(data.SERVICE_CATEGORIES, service_count=0))
    progress(2)
    categories = await _ids_by_key(ServiceCategory)
    written += await _upsert(ServiceType, _service_types(categories))
    written += await _upsert(
        EventTypeCategory, _event_type_categories(await _ids_by_key(EventType), categories)
    )
    progress(3)
    written += await _upsert(KycRequirement, data.KYC_REQUIREMENTS)
    progress(4)
    mappings = _mappings(await _ids_by_key(ServiceType), await _ids_by_key(KycRequirement))
    written += await _upsert(ServiceTypeKyc, mappings)
    progress(5)
    currencies = [{"key": c["code"], **c} for c in data.CURRENCIES]
    written += await _upsert(Currency, _active(currencies))
    progress(6)
    countries = [{"key": c["code"], **c} for c in data.COUNTRIES]
    written += await _upsert(Country, _active(countries))
    progress(7)
    written += await _upsert(Interest, _active(data.INTERESTS))
    progress(8)
    if written:
        await cache.invalidate()
    return written
