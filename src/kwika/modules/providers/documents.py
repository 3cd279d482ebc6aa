"""What the providers module stores: provider profiles, verification requests (identity,
craftsman, guide application), companies, business phone numbers, guide availability.

Name-like fields have a lower-cased ``*_key`` twin (mongomock ignores collation, and
discovery searches by prefix); located documents keep a GeoJSON point in ``geo`` under the
collection's one 2dsphere index.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core import clock
from kwika.core.geo import GeoPoint, geo_index
from kwika.modules.providers.constants import (
    BusinessPhoneStatus,
    ProviderKind,
    TrackStatus,
    VerificationKind,
    VerificationStatus,
)


class FileRef(BaseModel):
    """A public media file (portfolio image, logo): its id, and URLs for fast reads."""

    file_id: PydanticObjectId
    url: str
    thumbnail_url: str | None = None
    caption: str | None = None


class GuideInfo(BaseModel):
    """Set when a guide application is approved (seed 002 Task 5 ``guides``)."""

    region: str | None = None
    region_key: str | None = None
    specializations: list[str] = Field(default_factory=list)
    specialization_keys: list[str] = Field(default_factory=list)
    years_experience: int | None = None
    hourly_rate_minor: int | None = None
    currency: str | None = None
    approved_at: datetime


class VerificationTracks(BaseModel):
    identity: TrackStatus = "not_submitted"
    craftsman: TrackStatus = "not_submitted"
    guide: TrackStatus = "not_submitted"


class ProviderProfile(Document):
    user_id: PydanticObjectId
    display_name: str
    name_key: str
    username: str
    kinds: list[ProviderKind]
    bio: str | None = None
    skills: list[str] = Field(default_factory=list)
    skill_keys: list[str] = Field(default_factory=list)
    # Skill tags staff confirmed with the craftsman verification.
    verified_skills: list[str] = Field(default_factory=list)
    district: str | None = None
    district_key: str | None = None
    address: str | None = None
    geo: GeoPoint | None = None
    service_radius_km: float | None = None
    portfolio: list[FileRef] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    language_keys: list[str] = Field(default_factory=list)
    # Maintained by reviews through providers.record_rating (guarded $inc).
    rating_average: float = 0.0
    rating_count: int = 0
    rating_total: int = 0
    verification: VerificationTracks = Field(default_factory=VerificationTracks)
    is_verified: bool = False
    verified_at: datetime | None = None
    guide: GuideInfo | None = None
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "provider_profiles"
        keep_nulls = False
        indexes = [
            IndexModel([("user_id", ASCENDING)], unique=True, name="user_unique"),
            geo_index(),
            IndexModel(
                [("kinds", ASCENDING), ("is_verified", ASCENDING), ("rating_average", DESCENDING)]
            ),
            IndexModel([("kinds", ASCENDING), ("guide.region_key", ASCENDING)]),
            IndexModel([("kinds", ASCENDING), ("guide.specialization_keys", ASCENDING)]),
            IndexModel([("name_key", ASCENDING)]),
            IndexModel([("district_key", ASCENDING)]),
            IndexModel([("skill_keys", ASCENDING)]),
            IndexModel([("created_at", DESCENDING)]),
        ]


class VerificationFile(BaseModel):
    role: str  # id_front, id_back, selfie, document, resume, video
    doc_type: str | None = None
    file_id: PydanticObjectId
    filename: str
    uploaded_at: datetime = Field(default_factory=clock.now)


class GuideApplicationDetails(BaseModel):
    bio: str | None = None
    region: str | None = None
    specializations: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    years_experience: int | None = None
    hourly_rate_minor: int | None = None
    currency: str | None = None
    motivation: str | None = None


class Verification(Document):
    """One verification track of one user: identity (seed 003 21), craftsman (seed 001 2.1)
    or guide application (seed 002 Task 5). Resubmitting after a rejection reuses it."""

    user_id: PydanticObjectId
    kind: VerificationKind
    status: VerificationStatus = "pending"
    files: list[VerificationFile] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    application: GuideApplicationDetails | None = None
    notes: str | None = None
    submitted_at: datetime = Field(default_factory=clock.now)
    reviewed_at: datetime | None = None
    reviewed_by: PydanticObjectId | None = None
    review_notes: str | None = None
    rejection_reason: str | None = None
    resubmit_count: int = 0
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "provider_verifications"
        keep_nulls = False
        indexes = [
            IndexModel([("user_id", ASCENDING), ("kind", ASCENDING)], unique=True),
            IndexModel([("status", ASCENDING), ("submitted_at", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("status", ASCENDING), ("submitted_at", ASCENDING)]),
        ]


class PhoneRef(BaseModel):
    id: PydanticObjectId
    phone_number: str


class Company(Document):
    """A provider's brand (seed 000 1.3)."""

    owner_id: PydanticObjectId
    provider_id: PydanticObjectId
    name: str
    name_key: str
    slogan: str | None = None
    description: str | None = None
    district: str | None = None
    district_key: str | None = None
    address: str | None = None
    geo: GeoPoint | None = None
    logo: FileRef | None = None
    business_phone: PhoneRef | None = None
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "companies"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("owner_id", ASCENDING), ("name_key", ASCENDING)],
                unique=True,
                name="owner_name_unique",
            ),
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("business_phone.id", ASCENDING)]),
            IndexModel([("name_key", ASCENDING)]),
            IndexModel([("district_key", ASCENDING)]),
            geo_index(),
        ]


class BusinessPhone(Document):
    """A phone number a provider proved to own (seed 003 changelog 2026-02-21); verified
    once, then reusable on every service and company."""

    owner_id: PydanticObjectId
    phone_number: str  # E.164
    status: BusinessPhoneStatus = "pending"
    verified_at: datetime | None = None
    # The newest code, as a keyed digest (never the code itself).
    code_hash: str | None = None
    code_expires_at: datetime | None = None
    code_attempts: int = 0
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "business_phones"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("owner_id", ASCENDING), ("phone_number", ASCENDING)],
                unique=True,
                name="owner_phone_unique",
            ),
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)]),
        ]


class TimeSlot(BaseModel):
    start: str  # HH:MM
    end: str


class GuideAvailability(Document):
    """One day of a guide's calendar (seed 002 ``availability_calendar``)."""

    provider_id: PydanticObjectId
    user_id: PydanticObjectId
    date: str  # YYYY-MM-DD: sorts and compares as text
    is_available: bool = True
    slots: list[TimeSlot] = Field(default_factory=list)
    note: str | None = None
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "guide_availability"
        keep_nulls = False
        indexes = [
            IndexModel([("provider_id", ASCENDING), ("date", ASCENDING)], unique=True),
            IndexModel([("user_id", ASCENDING)]),
        ]


DOCUMENTS = [ProviderProfile, Verification, Company, BusinessPhone, GuideAvailability]
