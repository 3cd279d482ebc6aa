"""Services and experiences: requests, the service as shown, the dashboard page."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kwika.core.geo import Latitude, Longitude
from kwika.core.money import Amount
from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import RequestSchema, ResponseSchema
from kwika.modules.catalogue.constants import (
    MAX_SERVICE_IMAGES,
    ExperienceCategory,
    OwnerStatus,
    PriceType,
    PriceUnit,
    ServiceKind,
    ServiceStatus,
    ServiceVerification,
)
from kwika.modules.catalogue.schemas.common import Areas, Highlights, Ids, Languages, Money
from kwika.modules.catalogue.schemas.kyc import KycSummaryOut
from kwika.modules.catalogue.schemas.packages import PackageOut


class _ServiceFields(RequestSchema):
    """Fields a service and an experience share."""

    description: str | None = Field(default=None, min_length=1, max_length=5000)
    short_description: str | None = Field(default=None, max_length=200)
    max_price: Amount | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    price_unit: PriceUnit | None = None
    price_notes: str | None = Field(default=None, max_length=500)
    location: str | None = Field(default=None, max_length=150, description="City or area")
    full_address: str | None = Field(default=None, max_length=300)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    service_areas: Areas | None = Field(default=None, max_length=30)
    travel_fee_info: str | None = Field(default=None, max_length=500)
    years_experience: int | None = Field(default=None, ge=0, le=80)
    team_size: int | None = Field(default=None, ge=1, le=10000)
    languages: Languages | None = Field(default=None, max_length=20)
    booking_lead_time_days: int | None = Field(default=None, ge=0, le=365)
    cancellation_policy: str | None = Field(default=None, max_length=2000)
    insurance_info: str | None = Field(default=None, max_length=500)
    highlights: Highlights | None = Field(default=None, max_length=20)
    company_id: str | None = None
    catalogue_id: str | None = None
    category_id: str | None = Field(default=None, description="One of the company's categories")
    business_phone_id: str | None = Field(
        default=None, description="One of your verified business phones"
    )
    is_available: bool | None = None
    status: OwnerStatus | None = None
    duration_hours: float | None = Field(default=None, gt=0, le=720)
    min_group_size: int | None = Field(default=None, ge=1, le=1000)
    max_group_size: int | None = Field(default=None, ge=1, le=1000)
    meeting_point: str | None = Field(default=None, max_length=300)


class ServiceIn(_ServiceFields):
    """Seed 003 7.3 fields, seed 000 names (`name` = `title`, `price` = `min_price`) and the
    issue 4 additions. Multipart: `images` files too."""

    title: str | None = Field(default=None, min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    kind: ServiceKind = "service"
    service_category_id: str | None = None
    service_type_id: str | None = Field(default=None, description="Seed 000's optional type")
    min_price: Amount | None = None
    price: Amount | None = None
    price_type: PriceType | None = None
    experience_category: ExperienceCategory | None = None
    image_ids: Ids = Field(
        default_factory=list,
        max_length=MAX_SERVICE_IMAGES,
        description="Images uploaded first (context `service_image`)",
    )


class ServiceUpdateIn(ServiceIn):
    """Seed 003 7.4: every field optional; `remove_images` (ids, a JSON array or
    comma-separated) and `primary_image_id`; new `images` files (multipart) or `image_ids`
    are added."""

    kind: ServiceKind | None = None  # type: ignore[assignment]
    remove_images: Ids = Field(default_factory=list, max_length=MAX_SERVICE_IMAGES)
    primary_image_id: str | None = None


class ExperienceIn(_ServiceFields):
    """Seed 002 Task 6: an experience is a service of kind `experience`."""

    title: str | None = Field(default=None, min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    category: ExperienceCategory | None = Field(
        default=None, description="nightlife, cultural, adventure, food or nature"
    )
    price: Amount | None = Field(default=None, description="Per person unless price_unit says")
    image_ids: Ids = Field(default_factory=list, max_length=MAX_SERVICE_IMAGES)


class ExperienceUpdateIn(ExperienceIn):
    remove_images: Ids = Field(default_factory=list, max_length=MAX_SERVICE_IMAGES)
    primary_image_id: str | None = None


class ImagesIn(RequestSchema):
    image_ids: Ids = Field(default_factory=list, max_length=MAX_SERVICE_IMAGES)


class CategoryRefOut(ResponseSchema):
    id: str
    name: str
    icon: str | None


class TypeRefOut(ResponseSchema):
    id: str
    name: str
    category_id: str


class PhoneOut(ResponseSchema):
    id: str
    phone_number: str


class ImageOut(ResponseSchema):
    id: str
    url: str
    thumbnail_url: str | None
    alt: str | None
    caption: str | None
    is_primary: bool
    display_order: int


class ExperienceOut(ResponseSchema):
    category: ExperienceCategory | None
    duration_hours: float | None
    min_group_size: int
    max_group_size: int | None
    meeting_point: str | None


class ServiceOut(ResponseSchema):
    id: str
    user_id: str
    provider_id: str
    kind: ServiceKind
    title: str
    name: str = Field(description="Seed 000 name of `title`")
    description: str
    short_description: str | None = Field(
        description="The vendor's own, else the first 100 characters of `description`"
    )
    service_category_id: str | None
    service_category: CategoryRefOut | None
    service_type_id: str | None
    service_type: TypeRefOut | None
    company_id: str | None
    catalogue_id: str | None
    category_id: str | None
    min_price: Money | None
    max_price: Money | None
    price: Money | None = Field(description="Seed 000 name of `min_price`")
    currency: str
    price_type: PriceType
    price_unit: PriceUnit | None
    price_notes: str | None
    location: str | None
    full_address: str | None
    latitude: float | None
    longitude: float | None
    service_areas: list[str]
    travel_fee_info: str | None
    years_experience: int | None
    team_size: int | None
    languages: list[str]
    booking_lead_time_days: int | None
    cancellation_policy: str | None
    insurance_info: str | None
    highlights: list[str]
    business_phone: PhoneOut | None
    status: ServiceStatus
    is_available: bool
    availability: Literal["available", "unavailable"]
    verification_status: ServiceVerification
    verification_progress: int
    verified_at: datetime | None
    images: list[ImageOut]
    image: str | None = Field(description="URL of the primary image (seed 000 `image`)")
    rating: float | None
    review_count: int
    booking_count: int
    package_count: int
    experience: ExperienceOut | None
    created_at: datetime
    updated_at: datetime


class ServiceProviderOut(ResponseSchema):
    """Who offers a service, as its public page shows them."""

    id: str
    user_id: str
    name: str
    avatar: str | None
    verified: bool
    rating: float | None
    review_count: int


class ServicePageOut(ServiceOut):
    """Seed 003 9.2: the public page of a service, with its provider and active packages."""

    provider: ServiceProviderOut | None
    packages: list[PackageOut]


class ServiceSummaryOut(ResponseSchema):
    total_services: int
    active_services: int
    verified_services: int
    pending_verification: int
    total_bookings: int
    total_reviews: int
    average_rating: float | None


class ServicesPage(ResponseSchema):
    items: list[ServiceOut]
    services: list[ServiceOut] = Field(description="The same items under seed 003's name")
    summary: ServiceSummaryOut
    pagination: PaginationMeta


class ServiceDetailOut(ServiceOut):
    """Seed 003 7.2: the service with its packages and KYC state."""

    packages: list[PackageOut]
    kyc_status: KycSummaryOut
