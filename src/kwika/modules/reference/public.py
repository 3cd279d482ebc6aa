"""What other modules may know about reference data (the catalogue, events, onboarding).

Lookups read the cached lists, so they cost no query on a warm cache. Each returns a small
snapshot; inactive records are returned (``is_active=False``) so existing objects keep
their names, and callers creating something new should refuse inactive ones.
"""

from __future__ import annotations

from bson import ObjectId

from kwika.core.schemas import ResponseSchema
from kwika.modules.reference import service
from kwika.modules.reference.documents import EventTypeCategory
from kwika.modules.reference.exceptions import (
    EventTypeNotFound,
    ServiceCategoryNotFound,
    ServiceTypeNotFound,
)
from kwika.modules.reference.schemas import KycRequirementOut


class CategoryRef(ResponseSchema):
    id: str
    key: str
    name: str
    icon: str | None
    is_active: bool


class ServiceTypeRef(ResponseSchema):
    id: str
    key: str
    name: str
    category_id: str
    is_active: bool
    requires_kyc: bool


class EventTypeRef(ResponseSchema):
    id: str
    key: str
    name: str
    icon: str | None
    color: str | None
    is_active: bool


class KycRequirementRef(KycRequirementOut):
    """One KYC document a service type needs (``is_required``), with the formats (``jpg``,
    ``jpeg``, ``png``, ``pdf``...) and size (MB) it accepts."""


def _id(value: str | ObjectId) -> str:
    return str(value)


async def get_category(category_id: str | ObjectId) -> CategoryRef:
    """404 ``Service category not found`` for unknown, malformed or deleted ids."""
    found = await service.find_category(_id(category_id))
    if found is None:
        raise ServiceCategoryNotFound()
    return CategoryRef.of(found)


async def category_by_key(key: str) -> CategoryRef | None:
    """A service category by its stable key (``photography_videography``...), e.g. for
    demo data; None when there is none."""
    for record in await service.category_records():
        if record.key == key:
            return CategoryRef.model_validate(record.model_dump())
    return None


async def get_service_type(service_type_id: str | ObjectId) -> ServiceTypeRef:
    """404 ``Service type not found`` for unknown, malformed or deleted ids."""
    found = await service.find_service_type(_id(service_type_id))
    if found is None:
        raise ServiceTypeNotFound()
    return ServiceTypeRef.of(found)


async def get_event_type(event_type_id: str | ObjectId) -> EventTypeRef:
    """404 ``Event type not found`` for unknown, malformed or deleted ids."""
    key = _id(event_type_id)
    found = next((e for e in await service.event_type_records() if e.id == key), None)
    if found is None:
        raise EventTypeNotFound()
    return EventTypeRef.of(found)


async def event_types_for_category(category_id: str | ObjectId) -> list[str]:
    """Ids of the active event types a service category suits (empty for unknown ids)."""
    key = ObjectId(category_id) if ObjectId.is_valid(str(category_id)) else None
    if key is None:
        return []
    mapped = {
        str(row["event_type_id"])
        async for row in EventTypeCategory.get_motor_collection().find(
            {"service_category_id": key}, {"event_type_id": 1}
        )
    }
    return [str(e.id) for e in await service.event_type_records() if str(e.id) in mapped]


async def kyc_requirements_for(service_type_id: str | ObjectId) -> list[KycRequirementRef]:
    """The KYC documents of a service type, in display order (empty when it needs none).
    404 for an unknown service type."""
    service_type = await get_service_type(service_type_id)
    return [
        KycRequirementRef.of(m)
        for m in await service.kyc_mapping_records()
        if m.service_type_id == service_type.id
    ]


async def currency_codes() -> set[str]:
    """ISO codes of the active currencies (the default currency is always among them)."""
    codes = {c.code for c in await service.currency_records() if c.is_active}
    return codes | {service.default_currency()}


async def interest_keys() -> set[str]:
    """Keys of the active onboarding interests (seed 004)."""
    return {i.key for i in await service.interest_records() if i.is_active}


async def adjust_service_count(
    category_id: str | ObjectId | None, service_type_id: str | ObjectId | None, delta: int
) -> None:
    """The catalogue counts services per category and type (``service_count``)."""
    await service.adjust_service_count(category_id, service_type_id, delta)
