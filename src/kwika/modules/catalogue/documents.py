"""What the catalogue stores: catalogues and categories of companies, services (kinds
``service`` and ``experience``) with images, KYC documents and packages, and promotions.

Every document is search-friendly for discovery: lower-cased ``*_key`` twins of names,
reference ids, prices in minor units, rating, verification state, availability, a GeoJSON
``geo`` point under the collection's one 2dsphere index, ``created_at``.
"""

from __future__ import annotations

from datetime import datetime

from beanie import PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core import clock
from kwika.core.documents import Timestamped
from kwika.core.geo import GeoPoint, geo_index
from kwika.modules.catalogue.constants import (
    ExperienceCategory,
    KycStatus,
    PriceType,
    PriceUnit,
    ServiceKind,
    ServiceStatus,
    ServiceVerification,
)


class Catalogue(Timestamped):
    """A company's catalogue (seed 000 1.4): a named group of services."""

    owner_id: PydanticObjectId
    company_id: PydanticObjectId
    name: str
    name_key: str
    description: str | None = None
    is_active: bool = True
    display_order: int = 0

    class Settings:
        name = "catalogues"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("company_id", ASCENDING), ("name_key", ASCENDING)],
                unique=True,
                name="company_name_unique",
            ),
            IndexModel(
                [("company_id", ASCENDING), ("display_order", ASCENDING), ("created_at", ASCENDING)]
            ),
            # The public list: only active catalogues, in display order.
            IndexModel(
                [
                    ("company_id", ASCENDING),
                    ("is_active", ASCENDING),
                    ("display_order", ASCENDING),
                    ("created_at", ASCENDING),
                ]
            ),
            IndexModel([("owner_id", ASCENDING)]),
        ]


class Category(Timestamped):
    """A company's own category of services (seed 000 1.4), unique by name per company."""

    owner_id: PydanticObjectId
    company_id: PydanticObjectId
    name: str
    name_key: str
    description: str | None = None

    class Settings:
        name = "company_categories"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("company_id", ASCENDING), ("name_key", ASCENDING)],
                unique=True,
                name="company_name_unique",
            ),
            IndexModel([("owner_id", ASCENDING)]),
        ]


class ServiceImage(BaseModel):
    id: str  # the media file id
    file_id: PydanticObjectId
    url: str
    thumbnail_url: str | None = None
    alt: str | None = None
    caption: str | None = None
    is_primary: bool = False
    display_order: int = 1


class PhoneRef(BaseModel):
    id: PydanticObjectId
    phone_number: str


class ExperienceDetails(BaseModel):
    """Seed 002 Task 6: what an experience adds to a service."""

    duration_hours: float | None = None
    min_group_size: int = 1
    max_group_size: int | None = None
    meeting_point: str | None = None


class Service(Timestamped):
    """A listing (seed 003 module 7, seed 000 1.4, seed 002 Task 6)."""

    owner_id: PydanticObjectId
    provider_id: PydanticObjectId
    kind: ServiceKind = "service"
    company_id: PydanticObjectId | None = None
    catalogue_id: PydanticObjectId | None = None
    category_id: PydanticObjectId | None = None
    title: str
    title_key: str
    description: str
    short_description: str | None = None
    service_category_id: PydanticObjectId | None = None
    service_type_id: PydanticObjectId | None = None
    experience_category: ExperienceCategory | None = None
    experience: ExperienceDetails | None = None
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    currency: str
    price_type: PriceType = "fixed"
    price_unit: PriceUnit | None = None
    price_notes: str | None = None
    location: str | None = None
    location_key: str | None = None
    full_address: str | None = None
    geo: GeoPoint | None = None
    service_areas: list[str] = Field(default_factory=list)
    service_area_keys: list[str] = Field(default_factory=list)
    travel_fee_info: str | None = None
    years_experience: int | None = None
    team_size: int | None = None
    languages: list[str] = Field(default_factory=list)
    language_keys: list[str] = Field(default_factory=list)
    booking_lead_time_days: int | None = None
    cancellation_policy: str | None = None
    insurance_info: str | None = None
    highlights: list[str] = Field(default_factory=list)
    business_phone: PhoneRef | None = None
    status: ServiceStatus = "active"
    is_available: bool = True
    verification_status: ServiceVerification = "unverified"
    verification_progress: int = 0
    verified_at: datetime | None = None
    images: list[ServiceImage] = Field(default_factory=list)
    image_count: int = 0
    # Bumped on every images change: image edits are compare-and-set on it.
    images_version: int = 0
    primary_image_url: str | None = None
    # Maintained by reviews and bookings through the public API (guarded $inc).
    rating_average: float = 0.0
    rating_count: int = 0
    rating_total: int = 0
    booking_count: int = 0
    package_count: int = 0

    class Settings:
        name = "services"
        keep_nulls = False
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("owner_id", ASCENDING), ("title_key", ASCENDING)]),
            IndexModel([("owner_id", ASCENDING), ("rating_average", DESCENDING)]),
            IndexModel([("owner_id", ASCENDING), ("rating_count", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("status", ASCENDING), ("title_key", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel(
                [
                    ("service_category_id", ASCENDING),
                    ("status", ASCENDING),
                    ("created_at", DESCENDING),
                ]
            ),
            IndexModel([("service_type_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel(
                [
                    ("experience_category", ASCENDING),
                    ("status", ASCENDING),
                    ("created_at", DESCENDING),
                ]
            ),
            IndexModel(
                [("provider_id", ASCENDING), ("kind", ASCENDING), ("created_at", DESCENDING)]
            ),
            IndexModel([("company_id", ASCENDING)]),
            IndexModel([("catalogue_id", ASCENDING)]),
            IndexModel([("category_id", ASCENDING)]),
            IndexModel([("business_phone.id", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("rating_average", DESCENDING)]),
            IndexModel([("status", ASCENDING), ("min_price_minor", ASCENDING)]),
            IndexModel([("location_key", ASCENDING)]),
            IndexModel([("service_area_keys", ASCENDING)]),
            IndexModel([("verification_status", ASCENDING), ("updated_at", ASCENDING)]),
            IndexModel([("created_at", DESCENDING)]),
            geo_index(),
        ]


class KycDocument(Timestamped):
    """One KYC document of a service for one requirement (seed 003 7.6-7.9)."""

    service_id: PydanticObjectId
    owner_id: PydanticObjectId
    kyc_requirement_id: PydanticObjectId
    file_id: PydanticObjectId
    document_name: str
    status: KycStatus = "pending"
    notes: str | None = None
    submitted_at: datetime = Field(default_factory=clock.now)
    reviewed_at: datetime | None = None
    reviewed_by: PydanticObjectId | None = None
    review_notes: str | None = None
    rejection_reason: str | None = None
    resubmit_count: int = 0

    class Settings:
        name = "service_kyc_documents"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("service_id", ASCENDING), ("kyc_requirement_id", ASCENDING)],
                unique=True,
                name="service_requirement_unique",
            ),
            IndexModel([("status", ASCENDING), ("submitted_at", ASCENDING)]),
            IndexModel([("owner_id", ASCENDING)]),
        ]


class Package(Timestamped):
    """A priced offer of a service (seed 003 module 8)."""

    service_id: PydanticObjectId
    owner_id: PydanticObjectId
    name: str
    description: str | None = None
    price_minor: int
    currency: str
    compare_at_price_minor: int | None = None
    duration_hours: float | None = None
    photographers_count: int | None = None
    features: list[str] = Field(default_factory=list)
    deliverables: list[str] = Field(default_factory=list)
    turnaround_days: int | None = None
    max_revisions: int | None = None
    is_popular: bool = False
    is_active: bool = True
    booking_count: int = 0
    display_order: int = 0

    class Settings:
        name = "service_packages"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("service_id", ASCENDING), ("display_order", ASCENDING), ("created_at", ASCENDING)]
            ),
            IndexModel([("owner_id", ASCENDING)]),
            IndexModel([("price_minor", ASCENDING)]),
        ]


class FileRef(BaseModel):
    file_id: PydanticObjectId
    url: str
    thumbnail_url: str | None = None


class Promotion(Timestamped):
    """A time-bound offer of a company (seed 000 1.5)."""

    owner_id: PydanticObjectId
    provider_id: PydanticObjectId
    company_id: PydanticObjectId
    name: str
    name_key: str
    category: str
    category_key: str
    description: str | None = None
    address: str | None = None
    address_key: str | None = None
    geo: GeoPoint | None = None
    start_date: datetime
    end_date: datetime
    price_minor: int
    currency: str
    image: FileRef | None = None
    is_active: bool = True

    class Settings:
        name = "promotions"
        keep_nulls = False
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("company_id", ASCENDING)]),
            # Search (seed 000 1.5): not expired, sorted by end date, by name/category/address.
            IndexModel([("is_active", ASCENDING), ("end_date", ASCENDING)]),
            IndexModel([("name_key", ASCENDING), ("end_date", ASCENDING)]),
            IndexModel([("category_key", ASCENDING), ("end_date", ASCENDING)]),
            IndexModel([("address_key", ASCENDING), ("end_date", ASCENDING)]),
            geo_index(),
        ]


DOCUMENTS = [Catalogue, Category, Service, KycDocument, Package, Promotion]
