"""What other modules may know about the catalogue: search-friendly snapshots (discovery),
guarded counters (reviews, bookings) and the KYC review functions (admin issue).
Documents stay inside the catalogue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from bson import ObjectId
from pydantic import BaseModel
from pymongo import ReturnDocument

from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.geo import coordinates_of
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.module import ContextObject
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.constants import ServiceKind
from kwika.modules.catalogue.documents import Package, Promotion, Service
from kwika.modules.catalogue.exceptions import PackageNotFound, PromotionNotFound, ServiceNotFound
from kwika.modules.catalogue.schemas import PromotionOut, ServiceOut
from kwika.modules.catalogue.services import kyc_review, listings, promotions
from kwika.modules.catalogue.services.views import service_out, short_description_of


class ServiceSnapshot(BaseModel):
    """A listing as discovery indexes and bookings price it."""

    id: str
    kind: ServiceKind
    owner_id: str
    provider_id: str
    company_id: str | None
    catalogue_id: str | None
    category_id: str | None
    title: str
    title_key: str
    short_description: str | None
    service_category_id: str | None
    service_type_id: str | None
    experience_category: str | None
    min_price_minor: int | None
    max_price_minor: int | None
    currency: str
    price_type: str
    price_unit: str | None
    location: str | None
    location_key: str | None
    service_area_keys: list[str]
    latitude: float | None
    longitude: float | None
    status: str
    is_available: bool
    verification_status: str
    is_verified: bool
    rating_average: float
    rating_count: int
    booking_count: int
    primary_image_url: str | None
    duration_hours: float | None
    max_group_size: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, service: Service) -> ServiceSnapshot:
        latitude, longitude = coordinates_of(service.geo)

        def sid(value: ObjectId | None) -> str | None:
            return str(value) if value is not None else None

        return cls(
            id=str(service.id),
            kind=service.kind,
            owner_id=str(service.owner_id),
            provider_id=str(service.provider_id),
            company_id=sid(service.company_id),
            catalogue_id=sid(service.catalogue_id),
            category_id=sid(service.category_id),
            title=service.title,
            title_key=service.title_key,
            short_description=short_description_of(service),
            service_category_id=sid(service.service_category_id),
            service_type_id=sid(service.service_type_id),
            experience_category=service.experience_category,
            min_price_minor=service.min_price_minor,
            max_price_minor=service.max_price_minor,
            currency=service.currency,
            price_type=service.price_type,
            price_unit=service.price_unit,
            location=service.location,
            location_key=service.location_key,
            service_area_keys=service.service_area_keys,
            latitude=latitude,
            longitude=longitude,
            status=service.status,
            is_available=service.is_available,
            verification_status=service.verification_status,
            is_verified=service.verification_status == "verified",
            rating_average=service.rating_average,
            rating_count=service.rating_count,
            booking_count=service.booking_count,
            primary_image_url=service.primary_image_url,
            duration_hours=service.experience.duration_hours if service.experience else None,
            max_group_size=service.experience.max_group_size if service.experience else None,
            created_at=service.created_at,
            updated_at=service.updated_at,
        )


class PackageSnapshot(BaseModel):
    id: str
    service_id: str
    owner_id: str
    name: str
    price_minor: int
    currency: str
    duration_hours: float | None
    is_active: bool
    display_order: int

    @classmethod
    def of(cls, package: Package) -> PackageSnapshot:
        return cls(
            id=str(package.id),
            service_id=str(package.service_id),
            owner_id=str(package.owner_id),
            name=package.name,
            price_minor=package.price_minor,
            currency=package.currency,
            duration_hours=package.duration_hours,
            is_active=package.is_active,
            display_order=package.display_order,
        )


class PromotionSnapshot(BaseModel):
    id: str
    owner_id: str
    company_id: str
    name: str
    name_key: str
    category: str
    category_key: str
    address: str | None
    address_key: str | None
    latitude: float | None
    longitude: float | None
    start_date: datetime
    end_date: datetime
    price_minor: int
    currency: str
    image_url: str | None
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, promotion: Promotion) -> PromotionSnapshot:
        latitude, longitude = coordinates_of(promotion.geo)
        return cls(
            id=str(promotion.id),
            owner_id=str(promotion.owner_id),
            company_id=str(promotion.company_id),
            name=promotion.name,
            name_key=promotion.name_key,
            category=promotion.category,
            category_key=promotion.category_key,
            address=promotion.address,
            address_key=promotion.address_key,
            latitude=latitude,
            longitude=longitude,
            start_date=promotion.start_date,
            end_date=promotion.end_date,
            price_minor=promotion.price_minor,
            currency=promotion.currency,
            image_url=promotion.image.url if promotion.image else None,
            is_active=promotion.is_active,
            created_at=promotion.created_at,
        )


def _oids(ids: list[str | ObjectId]) -> list[ObjectId]:
    parsed = [i if isinstance(i, ObjectId) else try_parse_id(i) for i in ids]
    return [oid for oid in parsed if oid is not None]


async def get_service(service_id: str | ObjectId) -> ServiceSnapshot:
    """Any service or experience, whatever its status; 404 ``Service not found``."""
    service = await Service.get(parse_id(service_id, "Service"))
    if service is None:
        raise ServiceNotFound()
    return ServiceSnapshot.of(service)


async def get_services(service_ids: list[str | ObjectId]) -> dict[str, ServiceSnapshot]:
    found = await Service.find({"_id": {"$in": _oids(service_ids)}}).to_list()
    return {str(s.id): ServiceSnapshot.of(s) for s in found}


async def get_public_service(service_id: str | ObjectId) -> ServiceOut:
    """The service as lists show it (any status: check ``status`` before showing it)."""
    service = await Service.get(parse_id(service_id, "Service"))
    if service is None:
        raise ServiceNotFound()
    return await service_out(service)


async def get_public_promotion(promotion_id: str | ObjectId) -> PromotionOut:
    """The promotion as ``GET /promotions/{id}`` shows it to anyone (404 when switched off)."""
    return await promotions.get_public(str(promotion_id), None)


async def get_package(package_id: str | ObjectId) -> PackageSnapshot:
    package = await Package.get(parse_id(package_id, "Package"))
    if package is None:
        raise PackageNotFound()
    return PackageSnapshot.of(package)


async def get_packages(service_id: str | ObjectId) -> list[PackageSnapshot]:
    found = (
        await Package.find({"service_id": parse_id(service_id, "Service")})
        .sort("+display_order", "+created_at")
        .to_list()
    )
    return [PackageSnapshot.of(p) for p in found]


async def get_promotion(promotion_id: str | ObjectId) -> PromotionSnapshot:
    promotion = await Promotion.get(parse_id(promotion_id, "Promotion"))
    if promotion is None:
        raise PromotionNotFound()
    return PromotionSnapshot.of(promotion)


def _stars(value: int | None, field: str) -> None:
    if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
        raise ValidationFailed(errors=[FieldError(field, "A rating is a whole number from 1 to 5")])


async def record_rating(
    service_id: str | ObjectId, *, add: int | None = None, remove: int | None = None
) -> None:
    """Reviews: count ``add`` stars (1-5), withdraw ``remove`` stars, both for an edit.
    Guarded ``$inc`` (never below zero); the average follows the stored total and count."""
    _stars(add, "add")
    _stars(remove, "remove")
    oid = parse_id(service_id, "Service")
    query: dict[str, object] = {"_id": oid}
    if remove:
        query["rating_total"] = {"$gte": remove}
        query["rating_count"] = {"$gte": 1}
    collection = Service.get_motor_collection()
    updated = await collection.find_one_and_update(
        query,
        {
            "$inc": {
                "rating_count": (1 if add else 0) - (1 if remove else 0),
                "rating_total": (add or 0) - (remove or 0),
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        if await collection.count_documents({"_id": oid}, limit=1) == 0:
            raise ServiceNotFound()
        return
    count, total = updated["rating_count"], updated["rating_total"]
    await collection.update_one(
        {"_id": oid, "rating_count": count, "rating_total": total},
        {"$set": {"rating_average": (total / count) if count else 0.0}},
    )
    await pages.service_changed(service_id=oid)


async def adjust_booking_count(
    service_id: str | ObjectId, delta: int, package_id: str | ObjectId | None = None
) -> None:
    """Bookings: guarded ``$inc`` of ``booking_count`` on the service (and package)."""
    targets = [(Service, parse_id(service_id, "Service"))]
    if package_id is not None:
        targets.append((Package, parse_id(package_id, "Package")))
    for document, oid in targets:
        query: dict[str, object] = {"_id": oid}
        if delta < 0:
            query["booking_count"] = {"$gte": -delta}
        await document.get_motor_collection().update_one(query, {"$inc": {"booking_count": delta}})


# KYC review queue (the admin issue exposes these on /admin/kyc).
kyc_queue = kyc_review.kyc_queue
get_kyc_submission = kyc_review.get_submission
approve_kyc_document = kyc_review.approve_document
reject_kyc_document = kyc_review.reject_document
approve_service_kyc = kyc_review.approve_service
reject_service_kyc = kyc_review.reject_service


async def categories_in_use(
    *, provider_id: str | ObjectId | None = None, company_id: str | ObjectId | None = None
) -> list[str]:
    """Ids of the service categories of a provider's (or a company's) active services."""
    return await listings.categories_in_use(
        provider_id=ObjectId(provider_id) if provider_id else None,
        company_id=ObjectId(company_id) if company_id else None,
    )


async def all_service_ids() -> AsyncIterator[ObjectId]:
    """Every service and experience, for rebuilding what other modules derive from them."""
    async for row in Service.get_motor_collection().find({}, {"_id": 1}):
        yield row["_id"]


async def all_promotion_ids() -> AsyncIterator[ObjectId]:
    async for row in Promotion.get_motor_collection().find({}, {"_id": 1}):
        yield row["_id"]


async def service_context(service_id: str, people: list[ObjectId]) -> ContextObject:
    """A conversation about a service or experience (messaging's ``service`` context): it
    must exist and be active, or belong to one of ``people``; 404 otherwise, so an inactive
    listing's title is shown only to its owner's conversations."""
    service = await get_service(service_id)  # 404 "Service not found"
    owned = service.owner_id in {str(p) for p in people}
    if service.status != "active" and not owned:
        raise ServiceNotFound()
    return ContextObject(id=service.id, title=service.title)
