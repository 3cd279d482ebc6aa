"""What other modules ask the catalogue about its services (guards that may veto a
deletion) and the erasure of an owner's services."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from kwika.modules import reference
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.documents import (
    KycDocument,
    Package,
    Service,
)


async def provider_changed(provider_id: ObjectId) -> None:
    """Receiver of ``providers.provider_changed``: service pages show the provider."""
    async for row in Service.get_motor_collection().find({"provider_id": provider_id}, {"_id": 1}):
        await pages.SERVICE_PAGES.invalidate(str(row["_id"]))


async def categories_in_use(
    *, provider_id: ObjectId | None = None, company_id: ObjectId | None = None
) -> list[str]:
    """Service categories of a provider's (or a company's) active services."""
    query: dict[str, Any] = {"status": "active", "service_category_id": {"$ne": None}}
    if provider_id is not None:
        query["provider_id"] = provider_id
    if company_id is not None:
        query["company_id"] = company_id
    found = await Service.get_motor_collection().distinct("service_category_id", query)
    return sorted(str(category) for category in found if category)


async def company_has_services(company_id: ObjectId, owner_id: ObjectId) -> str | None:
    """Receiver of ``providers.company_deletion``."""
    count = await Service.find({"company_id": company_id}).count()
    if count:
        return f"This company still has {count} service(s); delete or move them first"
    return None


async def phone_in_use(phone_id: ObjectId, owner_id: ObjectId) -> str | None:
    """Receiver of ``providers.business_phone_deletion``."""
    count = await Service.find({"business_phone.id": phone_id}).count()
    if count:
        return f"{count} service(s) show this number; choose another one for them first"
    return None


async def erase_owner(owner_id: ObjectId) -> None:
    """Account anonymisation: the person's listings go (media erases their files)."""
    async for service in Service.find({"owner_id": owner_id}):
        await Service.get_motor_collection().delete_one({"_id": service.id})
        await Package.get_motor_collection().delete_many({"service_id": service.id})
        await KycDocument.get_motor_collection().delete_many({"service_id": service.id})
        if service.kind == "service":
            await reference.adjust_service_count(
                service.service_category_id, service.service_type_id, -1
            )
        await pages.service_removed(service_id=service.id, kind=service.kind)
