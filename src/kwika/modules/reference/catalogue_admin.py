"""Staff writes on the catalogue: event types, categories, service types, KYC, counters."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core.errors import ValidationFailed
from kwika.core.ids import parse_id, try_parse_id
from kwika.modules.reference import cache
from kwika.modules.reference._common import (
    LIVE,
    apply,
    ensure_unique_name,
    find,
    free_key,
    insert,
    record_of,
    slug,
    soft_delete,
)
from kwika.modules.reference.documents import (
    EventType,
    KycRequirement,
    ServiceCategory,
    ServiceType,
    ServiceTypeKyc,
)
from kwika.modules.reference.exceptions import (
    InUse,
    KycAlreadyMapped,
    KycMappingNotFound,
)
from kwika.modules.reference.reads import (
    category_records,
    event_type_records,
    kyc_mapping_records,
    service_type_records,
)
from kwika.modules.reference.schemas import (
    EventTypeIn,
    EventTypeRecord,
    EventTypeUpdate,
    KycDefinitionIn,
    KycDefinitionOut,
    KycDefinitionUpdate,
    KycMappingIn,
    KycMappingRecord,
    ServiceCategoryIn,
    ServiceCategoryRecord,
    ServiceCategoryUpdate,
    ServiceTypeIn,
    ServiceTypeRecord,
    ServiceTypeUpdate,
)

# ---------------------------------------------------------------- event types (seed 003 20.5)


async def list_event_types() -> list[EventTypeRecord]:
    """Active and inactive, for staff."""
    return await event_type_records()


async def create_event_type(data: EventTypeIn) -> EventTypeRecord:
    await ensure_unique_name(EventType, data.name, "Event type")
    key = await free_key(EventType, slug(data.name))
    item = await insert(EventType(key=key, **data.model_dump()))
    return record_of(item, EventTypeRecord)


async def update_event_type(event_type_id: str, data: EventTypeUpdate) -> EventTypeRecord:
    item = await find(EventType, event_type_id, "Event type")
    if data.name:
        await ensure_unique_name(EventType, data.name, "Event type", exclude=item.id)
    return record_of(await apply(EventType, item, data), EventTypeRecord)


async def delete_event_type(event_type_id: str) -> None:
    item = await find(EventType, event_type_id, "Event type")
    await soft_delete(EventType, {"_id": item.id})
    await cache.invalidate()


# ---------------------------------------------------------------- categories (seed 003 20.16)


async def list_categories() -> list[ServiceCategoryRecord]:
    return await category_records()


async def create_category(data: ServiceCategoryIn) -> ServiceCategoryRecord:
    await ensure_unique_name(ServiceCategory, data.name, "Service category")
    key = await free_key(ServiceCategory, slug(data.name))
    item = await insert(ServiceCategory(key=key, **data.model_dump()))
    return record_of(item, ServiceCategoryRecord)


async def update_category(category_id: str, data: ServiceCategoryUpdate) -> ServiceCategoryRecord:
    item = await find(ServiceCategory, category_id, "Service category")
    if data.name:
        await ensure_unique_name(ServiceCategory, data.name, "Service category", exclude=item.id)
    return record_of(await apply(ServiceCategory, item, data), ServiceCategoryRecord)


async def delete_category(category_id: str) -> None:
    """Refused (409) while services use the category; its service types go with it."""
    item = await find(ServiceCategory, category_id, "Service category")
    in_use = item.service_count > 0 or await ServiceType.find_one(
        {"category_id": item.id, "service_count": {"$gt": 0}, **LIVE}
    )
    if in_use:
        raise InUse("category")
    types = await ServiceType.find({"category_id": item.id, **LIVE}).to_list()
    await soft_delete(ServiceType, {"category_id": item.id})
    await ServiceTypeKyc.get_motor_collection().delete_many(
        {"service_type_id": {"$in": [t.id for t in types]}}
    )
    await soft_delete(ServiceCategory, {"_id": item.id})
    await cache.invalidate()


# ---------------------------------------------------------------- service types


async def list_service_types(category_id: str) -> list[ServiceTypeRecord]:
    """Seed 003 ``GET /admin/service-categories/{id}/service-types`` (with ``requires_kyc``)."""
    category = await find(ServiceCategory, category_id, "Service category")
    return [t for t in await service_type_records() if t.category_id == str(category.id)]


async def create_service_type(data: ServiceTypeIn) -> ServiceTypeRecord:
    category = await find(ServiceCategory, data.category_id, "Service category")
    scope = {"category_id": category.id}
    await ensure_unique_name(ServiceType, data.name, "Service type", scope=scope)
    key = await free_key(ServiceType, f"{category.key}/{slug(data.name)}")
    assert category.id is not None
    values = data.model_dump(exclude={"category_id"})
    item = await insert(ServiceType(key=key, category_id=category.id, **values))
    return record_of(item, ServiceTypeRecord)


async def update_service_type(service_type_id: str, data: ServiceTypeUpdate) -> ServiceTypeRecord:
    item = await find(ServiceType, service_type_id, "Service type")
    if data.name:
        scope = {"category_id": item.category_id}
        await ensure_unique_name(
            ServiceType, data.name, "Service type", scope=scope, exclude=item.id
        )
    updated = await apply(ServiceType, item, data)
    requires_kyc = await ServiceTypeKyc.find_one({"service_type_id": item.id}) is not None
    return record_of(updated, ServiceTypeRecord, requires_kyc=requires_kyc)


async def delete_service_type(service_type_id: str) -> None:
    item = await find(ServiceType, service_type_id, "Service type")
    if item.service_count > 0:
        raise InUse("service type")
    await ServiceTypeKyc.get_motor_collection().delete_many({"service_type_id": item.id})
    await soft_delete(ServiceType, {"_id": item.id})
    await cache.invalidate()


# ---------------------------------------------------------------- KYC definitions + mappings


async def create_kyc_definition(data: KycDefinitionIn) -> KycDefinitionOut:
    await ensure_unique_name(KycRequirement, data.name, "KYC requirement")
    key = await free_key(KycRequirement, slug(data.name))
    item = await insert(KycRequirement(key=key, **data.model_dump()))
    return record_of(item, KycDefinitionOut)


async def update_kyc_definition(requirement_id: str, data: KycDefinitionUpdate) -> KycDefinitionOut:
    item = await find(KycRequirement, requirement_id, "KYC requirement")
    if data.name:
        await ensure_unique_name(KycRequirement, data.name, "KYC requirement", exclude=item.id)
    return record_of(await apply(KycRequirement, item, data), KycDefinitionOut)


async def delete_kyc_definition(requirement_id: str) -> None:
    item = await find(KycRequirement, requirement_id, "KYC requirement")
    await ServiceTypeKyc.get_motor_collection().delete_many({"kyc_requirement_id": item.id})
    await soft_delete(KycRequirement, {"_id": item.id})
    await cache.invalidate()


async def service_type_kyc(service_type_id: str) -> list[KycMappingRecord]:
    """Seed 003 ``GET /admin/service-types/{id}/kyc-requirements`` (``mapping_id``,
    ``is_required`` = mandatory), active or not."""
    item = await find(ServiceType, service_type_id, "Service type")
    return [m for m in await kyc_mapping_records() if m.service_type_id == str(item.id)]


async def add_service_type_kyc(service_type_id: str, data: KycMappingIn) -> KycMappingRecord:
    """409 when the requirement is already mapped to the service type."""
    service_type = await find(ServiceType, service_type_id, "Service type")
    requirement = await KycRequirement.find_one(
        {"_id": try_parse_id(data.kyc_requirement_id), **LIVE}
    )
    if requirement is None or requirement.id is None or service_type.id is None:
        raise ValidationFailed.single("kyc_requirement_id", "KYC requirement not found")
    mapping = ServiceTypeKyc(
        key=f"{service_type.key}|{requirement.key}",
        service_type_id=service_type.id,
        kyc_requirement_id=requirement.id,
        is_mandatory=data.is_mandatory,
    )
    try:
        await mapping.insert()
    except DuplicateKeyError:
        raise KycAlreadyMapped() from None
    await cache.invalidate()
    return record_of(
        requirement,
        KycMappingRecord,
        mapping_id=str(mapping.id),
        service_type_id=str(service_type.id),
        is_required=mapping.is_mandatory,
    )


async def remove_service_type_kyc(service_type_id: str, mapping_id: str) -> None:
    result = await ServiceTypeKyc.get_motor_collection().delete_one(
        {
            "_id": parse_id(mapping_id, "KYC mapping"),
            "service_type_id": try_parse_id(service_type_id),
        }
    )
    if result.deleted_count != 1:
        raise KycMappingNotFound()
    await cache.invalidate()


# ---------------------------------------------------------------- counters (catalogue)


async def adjust_service_count(
    category_id: str | ObjectId | None, service_type_id: str | ObjectId | None, delta: int
) -> None:
    """Guarded ``$inc`` of ``service_count`` on a category and/or type (never below 0)."""
    for document, object_id in ((ServiceCategory, category_id), (ServiceType, service_type_id)):
        oid = object_id if isinstance(object_id, ObjectId) else try_parse_id(object_id)
        if oid is None:
            continue
        query: dict[str, Any] = {"_id": oid}
        if delta < 0:
            query["service_count"] = {"$gte": -delta}
        await document.get_motor_collection().update_one(query, {"$inc": {"service_count": delta}})
    await cache.invalidate()
