"""Documents to response schemas (documents never leave the module)."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId

from kwika.core import clock
from kwika.core.errors import NotFound
from kwika.core.geo import coordinates_of
from kwika.modules import reference
from kwika.modules.catalogue.constants import SHORT_DESCRIPTION_CHARS
from kwika.modules.catalogue.documents import Catalogue, Category, Package, Promotion, Service
from kwika.modules.catalogue.schemas import (
    CatalogueOut,
    CategoryOut,
    CategoryRefOut,
    ExperienceOut,
    ImageOut,
    PackageOut,
    PhoneOut,
    PromotionOut,
    ServiceOut,
    TypeRefOut,
)
from kwika.modules.catalogue.services.money import text


def catalogue_out(catalogue: Catalogue, service_count: int = 0) -> CatalogueOut:
    return CatalogueOut.of(catalogue, service_count=service_count)


def category_out(category: Category) -> CategoryOut:
    return CategoryOut.of(category)


class References:
    """Reference names for a batch of services, each id looked up once."""

    def __init__(self) -> None:
        self._categories: dict[str, CategoryRefOut | None] = {}
        self._types: dict[str, TypeRefOut | None] = {}

    async def category(self, category_id: ObjectId | None) -> CategoryRefOut | None:
        if category_id is None:
            return None
        key = str(category_id)
        if key not in self._categories:
            try:
                found = await reference.get_category(key)
                self._categories[key] = CategoryRefOut(
                    id=found.id, name=found.name, icon=found.icon
                )
            except NotFound:
                self._categories[key] = None
        return self._categories[key]

    async def service_type(self, type_id: ObjectId | None) -> TypeRefOut | None:
        if type_id is None:
            return None
        key = str(type_id)
        if key not in self._types:
            try:
                found = await reference.get_service_type(key)
                self._types[key] = TypeRefOut(
                    id=found.id, name=found.name, category_id=found.category_id
                )
            except NotFound:
                self._types[key] = None
        return self._types[key]


def _id(value: ObjectId | None) -> str | None:
    return str(value) if value is not None else None


def short_description_of(service: Service) -> str | None:
    """The vendor's own short description, else (seed 003's 2026-02-19 addendum) the first
    100 characters of the description. Derived when read, so it follows the description."""
    if service.short_description:
        return service.short_description
    return service.description[:SHORT_DESCRIPTION_CHARS] if service.description else None


async def service_out(service: Service, refs: References | None = None) -> ServiceOut:
    refs = refs or References()
    latitude, longitude = coordinates_of(service.geo)
    min_price = text(service.min_price_minor, service.currency)
    experience = service.experience
    return ServiceOut(
        id=str(service.id),
        user_id=str(service.owner_id),
        provider_id=str(service.provider_id),
        kind=service.kind,
        title=service.title,
        name=service.title,
        description=service.description,
        short_description=short_description_of(service),
        service_category_id=_id(service.service_category_id),
        service_category=await refs.category(service.service_category_id),
        service_type_id=_id(service.service_type_id),
        service_type=await refs.service_type(service.service_type_id),
        company_id=_id(service.company_id),
        catalogue_id=_id(service.catalogue_id),
        category_id=_id(service.category_id),
        min_price=min_price,
        max_price=text(service.max_price_minor, service.currency),
        price=min_price,
        currency=service.currency,
        price_type=service.price_type,
        price_unit=service.price_unit,
        price_notes=service.price_notes,
        location=service.location,
        full_address=service.full_address,
        latitude=latitude,
        longitude=longitude,
        service_areas=service.service_areas,
        travel_fee_info=service.travel_fee_info,
        years_experience=service.years_experience,
        team_size=service.team_size,
        languages=service.languages,
        booking_lead_time_days=service.booking_lead_time_days,
        cancellation_policy=service.cancellation_policy,
        insurance_info=service.insurance_info,
        highlights=service.highlights,
        business_phone=PhoneOut(
            id=str(service.business_phone.id), phone_number=service.business_phone.phone_number
        )
        if service.business_phone
        else None,
        status=service.status,
        is_available=service.is_available,
        availability="available" if service.is_available else "unavailable",
        verification_status=service.verification_status,
        verification_progress=service.verification_progress,
        verified_at=service.verified_at,
        images=[
            ImageOut(
                id=image.id,
                url=image.url,
                thumbnail_url=image.thumbnail_url,
                alt=image.alt,
                caption=image.caption,
                is_primary=image.is_primary,
                display_order=image.display_order,
            )
            for image in sorted(service.images, key=lambda i: i.display_order)
        ],
        image=service.primary_image_url,
        rating=round(service.rating_average, 2) if service.rating_count else None,
        review_count=service.rating_count,
        booking_count=service.booking_count,
        package_count=service.package_count,
        experience=ExperienceOut(
            category=service.experience_category,
            duration_hours=experience.duration_hours,
            min_group_size=experience.min_group_size,
            max_group_size=experience.max_group_size,
            meeting_point=experience.meeting_point,
        )
        if experience is not None
        else None,
        created_at=service.created_at,
        updated_at=service.updated_at,
    )


async def services_out(services: list[Service]) -> list[ServiceOut]:
    refs = References()
    return [await service_out(service, refs) for service in services]


def package_out(package: Package) -> PackageOut:
    return PackageOut(
        id=str(package.id),
        service_id=str(package.service_id),
        name=package.name,
        description=package.description,
        price=text(package.price_minor, package.currency) or "0",
        currency=package.currency,
        compare_at_price=text(package.compare_at_price_minor, package.currency),
        duration_hours=package.duration_hours,
        photographers_count=package.photographers_count,
        features=package.features,
        deliverables=package.deliverables,
        turnaround_days=package.turnaround_days,
        max_revisions=package.max_revisions,
        is_popular=package.is_popular,
        is_active=package.is_active,
        booking_count=package.booking_count,
        display_order=package.display_order,
        created_at=package.created_at,
        updated_at=package.updated_at,
    )


def dated_status(start: datetime, end: datetime, now: datetime | None = None) -> str:
    """``scheduled``, ``active`` or ``expired`` of an active promotion at ``now``."""
    now = now or clock.now()
    if end <= now:
        return "expired"
    return "scheduled" if start > now else "active"


def promotion_status(promotion: Promotion, now: datetime | None = None) -> str:
    if not promotion.is_active:
        return "inactive"
    return dated_status(promotion.start_date, promotion.end_date, now)


def promotion_out(promotion: Promotion, company_name: str | None = None) -> PromotionOut:
    latitude, longitude = coordinates_of(promotion.geo)
    return PromotionOut(
        id=str(promotion.id),
        owner_id=str(promotion.owner_id),
        provider_id=str(promotion.provider_id),
        company_id=str(promotion.company_id),
        company_name=company_name,
        name=promotion.name,
        category=promotion.category,
        description=promotion.description,
        address=promotion.address,
        latitude=latitude,
        longitude=longitude,
        start_date=promotion.start_date,
        end_date=promotion.end_date,
        status=promotion_status(promotion),  # type: ignore[arg-type]
        price=text(promotion.price_minor, promotion.currency) or "0",
        currency=promotion.currency,
        image=promotion.image.url if promotion.image else None,
        thumbnail_url=promotion.image.thumbnail_url if promotion.image else None,
        image_id=str(promotion.image.file_id) if promotion.image else None,
        is_active=promotion.is_active,
        created_at=promotion.created_at,
        updated_at=promotion.updated_at,
    )
