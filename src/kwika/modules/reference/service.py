"""Reference data: cached reads for everyone, and the writes staff make (the admin issue
exposes them over HTTP). Every write invalidates the cache, so the next read anywhere sees
it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Any, TypeVar

from beanie import Document
from bson import ObjectId
from pydantic import BaseModel
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.errors import ValidationFailed
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.schemas import ResponseSchema
from kwika.modules.reference import cache
from kwika.modules.reference.documents import (
    Country,
    Currency,
    EventType,
    Interest,
    KycRequirement,
    ServiceCategory,
    ServiceType,
    ServiceTypeKyc,
)
from kwika.modules.reference.exceptions import (
    AlreadyExists,
    CountryExists,
    CountryNotFound,
    CurrencyExists,
    CurrencyNotFound,
    DefaultCurrency,
    InUse,
    KycAlreadyMapped,
    KycMappingNotFound,
    NameTaken,
    RecordNotFound,
    ServiceCategoryNotFound,
    ServiceTypeNotFound,
)
from kwika.modules.reference.schemas import (
    CountryIn,
    CountryOut,
    CountryRecord,
    CountryUpdate,
    CurrencyIn,
    CurrencyOut,
    CurrencyRecord,
    CurrencyUpdate,
    EventTypeIn,
    EventTypeOut,
    EventTypeRecord,
    EventTypeUpdate,
    InterestIn,
    InterestOut,
    InterestRecord,
    InterestUpdate,
    KycDefinitionIn,
    KycDefinitionOut,
    KycDefinitionUpdate,
    KycMappingIn,
    KycMappingRecord,
    KycRequirementOut,
    ServiceCategoryIn,
    ServiceCategoryOut,
    ServiceCategoryRecord,
    ServiceCategoryUpdate,
    ServiceTypeIn,
    ServiceTypeOut,
    ServiceTypeRecord,
    ServiceTypeUpdate,
)

R = TypeVar("R", bound=ResponseSchema)
D = TypeVar("D", bound=Document)

_LIVE: dict[str, Any] = {"deleted_at": None}
_ORDER = ["+display_order", "+name"]


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "item"


def _as_record(document: Document, record: type[R], **extra: Any) -> dict[str, Any]:
    values = {**document.model_dump(), "id": str(document.id), **extra}
    for name, value in list(values.items()):
        if isinstance(value, ObjectId):
            values[name] = str(value)
    return record.model_validate(values).model_dump(mode="json")


# ---------------------------------------------------------------- cached datasets


async def _load_event_types() -> list[dict[str, Any]]:
    documents = await EventType.find(_LIVE).sort(*_ORDER).to_list()
    return [_as_record(d, EventTypeRecord) for d in documents]


async def _load_categories() -> list[dict[str, Any]]:
    documents = await ServiceCategory.find(_LIVE).sort(*_ORDER).to_list()
    return [_as_record(d, ServiceCategoryRecord) for d in documents]


async def _load_service_types() -> list[dict[str, Any]]:
    documents = await ServiceType.find(_LIVE).sort(*_ORDER).to_list()
    with_kyc = set(await ServiceTypeKyc.get_motor_collection().distinct("service_type_id"))
    return [_as_record(d, ServiceTypeRecord, requires_kyc=d.id in with_kyc) for d in documents]


async def _load_kyc_mappings() -> list[dict[str, Any]]:
    definitions = {d.id: d for d in await KycRequirement.find(_LIVE).sort(*_ORDER).to_list()}
    records = []
    for mapping in await ServiceTypeKyc.find_all().to_list():
        definition = definitions.get(mapping.kyc_requirement_id)
        if definition is None:
            continue
        records.append(
            _as_record(
                definition,
                KycMappingRecord,
                mapping_id=str(mapping.id),
                service_type_id=str(mapping.service_type_id),
                is_required=mapping.is_mandatory,
            )
        )
    return sorted(records, key=lambda r: (r["display_order"], r["name"]))


async def _load_kyc_definitions() -> list[dict[str, Any]]:
    documents = await KycRequirement.find(_LIVE).sort(*_ORDER).to_list()
    return [_as_record(d, KycDefinitionOut) for d in documents]


async def _load_currencies() -> list[dict[str, Any]]:
    documents = await Currency.find(_LIVE).sort(*_ORDER).to_list()
    return [_as_record(d, CurrencyRecord) for d in documents]


async def _load_countries() -> list[dict[str, Any]]:
    documents = await Country.find(_LIVE).sort(*_ORDER).to_list()
    return [_as_record(d, CountryRecord) for d in documents]


async def _load_interests() -> list[dict[str, Any]]:
    documents = await Interest.find(_LIVE).sort(*_ORDER).to_list()
    return [_as_record(d, InterestRecord) for d in documents]


async def _records(dataset: str, loader: Any, record: type[R]) -> list[R]:
    # Validated once per version and process, not on every request.
    async def build() -> list[R]:
        return [record.model_validate(raw) for raw in await cache.cached(dataset, loader)]

    return list(await cache.derived(f"records:{dataset}", build))


async def event_type_records() -> list[EventTypeRecord]:
    return await _records("event_types", _load_event_types, EventTypeRecord)


async def category_records() -> list[ServiceCategoryRecord]:
    return await _records("service_categories", _load_categories, ServiceCategoryRecord)


async def service_type_records() -> list[ServiceTypeRecord]:
    return await _records("service_types", _load_service_types, ServiceTypeRecord)


async def kyc_mapping_records() -> list[KycMappingRecord]:
    return await _records("kyc_mappings", _load_kyc_mappings, KycMappingRecord)


async def kyc_definitions() -> list[KycDefinitionOut]:
    """Seed 003 ``GET /admin/kyc-definitions``."""
    return await _records("kyc_definitions", _load_kyc_definitions, KycDefinitionOut)


async def currency_records() -> list[CurrencyRecord]:
    return await _records("currencies", _load_currencies, CurrencyRecord)


async def country_records() -> list[CountryRecord]:
    return await _records("countries", _load_countries, CountryRecord)


async def interest_records() -> list[InterestRecord]:
    return await _records("interests", _load_interests, InterestRecord)


# ---------------------------------------------------------------- public reads


def _public(records: Sequence[BaseModel], out: type[R]) -> list[R]:
    return [out.of(r) for r in records if getattr(r, "is_active", True)]


async def _public_list(name: str, records: Any, out: type[R]) -> list[R]:
    async def build() -> list[R]:
        return _public(await records(), out)

    return list(await cache.derived(f"public:{name}", build))


async def event_types() -> list[EventTypeOut]:
    return await _public_list("event_types", event_type_records, EventTypeOut)


async def service_categories() -> list[ServiceCategoryOut]:
    return await _public_list("service_categories", category_records, ServiceCategoryOut)


async def find_category(category_id: str) -> ServiceCategoryRecord | None:
    return next((c for c in await category_records() if c.id == category_id), None)


async def find_service_type(service_type_id: str) -> ServiceTypeRecord | None:
    return next((t for t in await service_type_records() if t.id == service_type_id), None)


async def service_types_in(category_id: str) -> list[ServiceTypeOut]:
    category = await find_category(category_id)
    if category is None or not category.is_active:
        raise ServiceCategoryNotFound()
    types = [t for t in await service_type_records() if t.category_id == category_id]
    return _public(types, ServiceTypeOut)


async def kyc_for(service_type_id: str) -> list[KycRequirementOut]:
    service_type = await find_service_type(service_type_id)
    if service_type is None or not service_type.is_active:
        raise ServiceTypeNotFound()
    mappings = [m for m in await kyc_mapping_records() if m.service_type_id == service_type_id]
    return [KycRequirementOut.of(m) for m in mappings]


def default_currency() -> str:
    return runtime.get().settings.default_currency.upper()


async def currencies() -> list[CurrencyOut]:
    async def build() -> list[CurrencyOut]:
        default = default_currency()
        return [
            CurrencyOut.of(c, is_default=c.code == default)
            for c in await currency_records()
            if c.is_active
        ]

    return list(await cache.derived("public:currencies", build))


async def countries() -> list[CountryOut]:
    return await _public_list("countries", country_records, CountryOut)


async def interests() -> list[InterestOut]:
    return await _public_list("interests", interest_records, InterestOut)


# ---------------------------------------------------------------- write helpers


async def _find(document: type[D], object_id: str, what: str) -> D:
    found = await document.find_one({"_id": parse_id(object_id, what), **_LIVE})
    if found is None:
        raise RecordNotFound(what)
    return found


async def _ensure_unique_name(
    document: type[Document],
    name: str,
    what: str,
    *,
    scope: dict[str, Any] | None = None,
    exclude: ObjectId | None = None,
) -> None:
    query: dict[str, Any] = {
        "name": {"$regex": f"^{re.escape(name)}$", "$options": "i"},
        **_LIVE,
        **(scope or {}),
    }
    if exclude is not None:
        query["_id"] = {"$ne": exclude}
    if await document.find_one(query) is not None:
        raise NameTaken(what)


async def _free_key(document: type[Document], key: str) -> str:
    """``key``, or ``key_<random>`` when a (possibly deleted) record already holds it."""
    if await document.find_one({"key": key}) is None:
        return key
    return f"{key}_{secrets.token_hex(3)}"


async def _insert(item: D) -> D:
    try:
        await item.insert()
    except DuplicateKeyError as exc:
        raise AlreadyExists() from exc
    await cache.invalidate()
    return item


async def _apply(document: type[D], item: D, changes: BaseModel) -> D:
    values = changes.model_dump(exclude_unset=True)
    if not values:
        return item
    values["updated_at"] = clock.now()
    await document.get_motor_collection().update_one({"_id": item.id}, {"$set": values})
    await cache.invalidate()
    refreshed = await document.get(item.id)
    assert refreshed is not None
    return refreshed


async def _soft_delete(document: type[Document], query: dict[str, Any]) -> None:
    now = clock.now()
    await document.get_motor_collection().update_many(
        {**query, **_LIVE}, {"$set": {"deleted_at": now, "updated_at": now, "is_active": False}}
    )


def _record_of(item: Document, record: type[R], **extra: Any) -> R:
    return record.model_validate(_as_record(item, record, **extra))


# ---------------------------------------------------------------- event types (seed 003 20.5)


async def list_event_types() -> list[EventTypeRecord]:
    """Active and inactive, for staff."""
    return await event_type_records()


async def create_event_type(data: EventTypeIn) -> EventTypeRecord:
    await _ensure_unique_name(EventType, data.name, "Event type")
    key = await _free_key(EventType, slug(data.name))
    item = await _insert(EventType(key=key, **data.model_dump()))
    return _record_of(item, EventTypeRecord)


async def update_event_type(event_type_id: str, data: EventTypeUpdate) -> EventTypeRecord:
    item = await _find(EventType, event_type_id, "Event type")
    if data.name:
        await _ensure_unique_name(EventType, data.name, "Event type", exclude=item.id)
    return _record_of(await _apply(EventType, item, data), EventTypeRecord)


async def delete_event_type(event_type_id: str) -> None:
    item = await _find(EventType, event_type_id, "Event type")
    await _soft_delete(EventType, {"_id": item.id})
    await cache.invalidate()


# ---------------------------------------------------------------- categories (seed 003 20.16)


async def list_categories() -> list[ServiceCategoryRecord]:
    return await category_records()


async def create_category(data: ServiceCategoryIn) -> ServiceCategoryRecord:
    await _ensure_unique_name(ServiceCategory, data.name, "Service category")
    key = await _free_key(ServiceCategory, slug(data.name))
    item = await _insert(ServiceCategory(key=key, **data.model_dump()))
    return _record_of(item, ServiceCategoryRecord)


async def update_category(category_id: str, data: ServiceCategoryUpdate) -> ServiceCategoryRecord:
    item = await _find(ServiceCategory, category_id, "Service category")
    if data.name:
        await _ensure_unique_name(ServiceCategory, data.name, "Service category", exclude=item.id)
    return _record_of(await _apply(ServiceCategory, item, data), ServiceCategoryRecord)


async def delete_category(category_id: str) -> None:
    """Refused (409) while services use the category; its service types go with it."""
    item = await _find(ServiceCategory, category_id, "Service category")
    in_use = item.service_count > 0 or await ServiceType.find_one(
        {"category_id": item.id, "service_count": {"$gt": 0}, **_LIVE}
    )
    if in_use:
        raise InUse("category")
    types = await ServiceType.find({"category_id": item.id, **_LIVE}).to_list()
    await _soft_delete(ServiceType, {"category_id": item.id})
    await ServiceTypeKyc.get_motor_collection().delete_many(
        {"service_type_id": {"$in": [t.id for t in types]}}
    )
    await _soft_delete(ServiceCategory, {"_id": item.id})
    await cache.invalidate()


# ---------------------------------------------------------------- service types


async def list_service_types(category_id: str) -> list[ServiceTypeRecord]:
    """Seed 003 ``GET /admin/service-categories/{id}/service-types`` (with ``requires_kyc``)."""
    category = await _find(ServiceCategory, category_id, "Service category")
    return [t for t in await service_type_records() if t.category_id == str(category.id)]


async def create_service_type(data: ServiceTypeIn) -> ServiceTypeRecord:
    category = await _find(ServiceCategory, data.category_id, "Service category")
    scope = {"category_id": category.id}
    await _ensure_unique_name(ServiceType, data.name, "Service type", scope=scope)
    key = await _free_key(ServiceType, f"{category.key}/{slug(data.name)}")
    assert category.id is not None
    values = data.model_dump(exclude={"category_id"})
    item = await _insert(ServiceType(key=key, category_id=category.id, **values))
    return _record_of(item, ServiceTypeRecord)


async def update_service_type(service_type_id: str, data: ServiceTypeUpdate) -> ServiceTypeRecord:
    item = await _find(ServiceType, service_type_id, "Service type")
    if data.name:
        scope = {"category_id": item.category_id}
        await _ensure_unique_name(
            ServiceType, data.name, "Service type", scope=scope, exclude=item.id
        )
    updated = await _apply(ServiceType, item, data)
    requires_kyc = await ServiceTypeKyc.find_one({"service_type_id": item.id}) is not None
    return _record_of(updated, ServiceTypeRecord, requires_kyc=requires_kyc)


async def delete_service_type(service_type_id: str) -> None:
    item = await _find(ServiceType, service_type_id, "Service type")
    if item.service_count > 0:
        raise InUse("service type")
    await ServiceTypeKyc.get_motor_collection().delete_many({"service_type_id": item.id})
    await _soft_delete(ServiceType, {"_id": item.id})
    await cache.invalidate()


# ---------------------------------------------------------------- KYC definitions + mappings


async def create_kyc_definition(data: KycDefinitionIn) -> KycDefinitionOut:
    await _ensure_unique_name(KycRequirement, data.name, "KYC requirement")
    key = await _free_key(KycRequirement, slug(data.name))
    item = await _insert(KycRequirement(key=key, **data.model_dump()))
    return _record_of(item, KycDefinitionOut)


async def update_kyc_definition(requirement_id: str, data: KycDefinitionUpdate) -> KycDefinitionOut:
    item = await _find(KycRequirement, requirement_id, "KYC requirement")
    if data.name:
        await _ensure_unique_name(KycRequirement, data.name, "KYC requirement", exclude=item.id)
    return _record_of(await _apply(KycRequirement, item, data), KycDefinitionOut)


async def delete_kyc_definition(requirement_id: str) -> None:
    item = await _find(KycRequirement, requirement_id, "KYC requirement")
    await ServiceTypeKyc.get_motor_collection().delete_many({"kyc_requirement_id": item.id})
    await _soft_delete(KycRequirement, {"_id": item.id})
    await cache.invalidate()


async def service_type_kyc(service_type_id: str) -> list[KycMappingRecord]:
    """Seed 003 ``GET /admin/service-types/{id}/kyc-requirements`` (``mapping_id``,
    ``is_required`` = mandatory), active or not."""
    item = await _find(ServiceType, service_type_id, "Service type")
    return [m for m in await kyc_mapping_records() if m.service_type_id == str(item.id)]


async def add_service_type_kyc(service_type_id: str, data: KycMappingIn) -> KycMappingRecord:
    """409 when the requirement is already mapped to the service type."""
    service_type = await _find(ServiceType, service_type_id, "Service type")
    requirement = await KycRequirement.find_one(
        {"_id": try_parse_id(data.kyc_requirement_id), **_LIVE}
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
    return _record_of(
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


# ---------------------------------------------------------------- currencies + countries


async def list_currencies() -> list[CurrencyRecord]:
    return await currency_records()


async def create_currency(data: CurrencyIn) -> CurrencyRecord:
    code = data.code.upper()
    if await Currency.find_one({"key": code}) is not None:
        raise CurrencyExists()
    item = await _insert(Currency(key=code, **{**data.model_dump(), "code": code}))
    return _record_of(item, CurrencyRecord)


async def update_currency(code: str, data: CurrencyUpdate) -> CurrencyRecord:
    item = await Currency.find_one({"key": code.upper(), **_LIVE})
    if item is None:
        raise CurrencyNotFound()
    if data.is_active is False and item.code == default_currency():
        raise DefaultCurrency()
    return _record_of(await _apply(Currency, item, data), CurrencyRecord)


async def list_countries() -> list[CountryRecord]:
    return await country_records()


async def _check_currency(code: str | None) -> None:
    if code and await Currency.find_one({"key": code.upper(), **_LIVE}) is None:
        raise ValidationFailed.single("currency_code", "Unknown currency")


async def create_country(data: CountryIn) -> CountryRecord:
    code = data.code.upper()
    if await Country.find_one({"key": code}) is not None:
        raise CountryExists()
    await _check_currency(data.currency_code)
    values = {**data.model_dump(), "code": code, "currency_code": data.currency_code.upper()}
    item = await _insert(Country(key=code, **values))
    return _record_of(item, CountryRecord)


async def update_country(code: str, data: CountryUpdate) -> CountryRecord:
    item = await Country.find_one({"key": code.upper(), **_LIVE})
    if item is None:
        raise CountryNotFound()
    await _check_currency(data.currency_code)
    if data.currency_code:
        data = data.model_copy(update={"currency_code": data.currency_code.upper()})
    return _record_of(await _apply(Country, item, data), CountryRecord)


# ---------------------------------------------------------------- interests (seed 004 3.2)


async def list_interests() -> list[InterestRecord]:
    return await interest_records()


async def create_interest(data: InterestIn) -> InterestRecord:
    await _ensure_unique_name(Interest, data.name, "Interest")
    key = await _free_key(Interest, slug(data.name))
    item = await _insert(Interest(key=key, **data.model_dump()))
    return _record_of(item, InterestRecord)


async def update_interest(interest_id: str, data: InterestUpdate) -> InterestRecord:
    item = await _find(Interest, interest_id, "Interest")
    if data.name:
        await _ensure_unique_name(Interest, data.name, "Interest", exclude=item.id)
    return _record_of(await _apply(Interest, item, data), InterestRecord)


async def delete_interest(interest_id: str) -> None:
    item = await _find(Interest, interest_id, "Interest")
    await _soft_delete(Interest, {"_id": item.id})
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
