"""Reference reads: cached datasets for everyone and the public lists built on them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from kwika.core import runtime
from kwika.modules.reference import cache
from kwika.modules.reference._common import (
    LIVE,
    ORDER,
    R,
    as_record,
)
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
    ServiceCategoryNotFound,
    ServiceTypeNotFound,
)
from kwika.modules.reference.schemas import (
    CountryOut,
    CountryRecord,
    CurrencyOut,
    CurrencyRecord,
    EventTypeOut,
    EventTypeRecord,
    InterestOut,
    InterestRecord,
    KycDefinitionOut,
    KycMappingRecord,
    KycRequirementOut,
    ServiceCategoryOut,
    ServiceCategoryRecord,
    ServiceTypeOut,
    ServiceTypeRecord,
)

# ---------------------------------------------------------------- cached datasets


async def _load_event_types() -> list[dict[str, Any]]:
    documents = await EventType.find(LIVE).sort(*ORDER).to_list()
    return [as_record(d, EventTypeRecord) for d in documents]


async def _load_categories() -> list[dict[str, Any]]:
    documents = await ServiceCategory.find(LIVE).sort(*ORDER).to_list()
    return [as_record(d, ServiceCategoryRecord) for d in documents]


async def _load_service_types() -> list[dict[str, Any]]:
    documents = await ServiceType.find(LIVE).sort(*ORDER).to_list()
    with_kyc = set(await ServiceTypeKyc.get_motor_collection().distinct("service_type_id"))
    return [as_record(d, ServiceTypeRecord, requires_kyc=d.id in with_kyc) for d in documents]


async def _load_kyc_mappings() -> list[dict[str, Any]]:
    definitions = {d.id: d for d in await KycRequirement.find(LIVE).sort(*ORDER).to_list()}
    records = []
    for mapping in await ServiceTypeKyc.find_all().to_list():
        definition = definitions.get(mapping.kyc_requirement_id)
        if definition is None:
            continue
        records.append(
            as_record(
                definition,
                KycMappingRecord,
                mapping_id=str(mapping.id),
                service_type_id=str(mapping.service_type_id),
                is_required=mapping.is_mandatory,
            )
        )
    return sorted(records, key=lambda r: (r["display_order"], r["name"]))


async def _load_kyc_definitions() -> list[dict[str, Any]]:
    documents = await KycRequirement.find(LIVE).sort(*ORDER).to_list()
    return [as_record(d, KycDefinitionOut) for d in documents]


async def _load_currencies() -> list[dict[str, Any]]:
    documents = await Currency.find(LIVE).sort(*ORDER).to_list()
    return [as_record(d, CurrencyRecord) for d in documents]


async def _load_countries() -> list[dict[str, Any]]:
    documents = await Country.find(LIVE).sort(*ORDER).to_list()
    return [as_record(d, CountryRecord) for d in documents]


async def _load_interests() -> list[dict[str, Any]]:
    documents = await Interest.find(LIVE).sort(*ORDER).to_list()
    return [as_record(d, InterestRecord) for d in documents]


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
