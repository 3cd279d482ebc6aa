"""Request and response schemas of the providers module."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kwika.core.geo import Latitude, Longitude
from kwika.core.money import Amount
from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import CODE_ALIASES, RequestSchema, ResponseSchema
from kwika.core.text import TEXT_LIST, UNIQUE_TEXTS, text_item
from kwika.modules.identity import normalize_phone
from kwika.modules.providers.constants import (
    MAX_AVAILABILITY_DAYS,
    MAX_CRAFTSMAN_DOCUMENTS,
    MAX_LANGUAGES,
    MAX_PORTFOLIO_ITEMS,
    MAX_SKILLS,
    ProviderKind,
    TrackStatus,
)

Skills = Annotated[list[Annotated[str, text_item(50)]], TEXT_LIST, UNIQUE_TEXTS]
Languages = Annotated[list[Annotated[str, text_item(40)]], TEXT_LIST, UNIQUE_TEXTS]
Ids = Annotated[list[Annotated[str, text_item(24)]], TEXT_LIST, UNIQUE_TEXTS]
Specializations = Annotated[list[Annotated[str, text_item(60)]], TEXT_LIST, UNIQUE_TEXTS]
DocTypes = Annotated[list[Annotated[str, text_item(60)]], TEXT_LIST, UNIQUE_TEXTS]
ShortText = Annotated[str, Field(min_length=1, max_length=100)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(normalize_phone)]


def _unique_kinds(value: list[ProviderKind]) -> list[ProviderKind]:
    return list(dict.fromkeys(value))


Kinds = Annotated[list[ProviderKind], AfterValidator(_unique_kinds)]

# ---------------------------------------------------------------------------- requests


class LocatedIn(RequestSchema):
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class ProviderIn(LocatedIn):
    kinds: Kinds = Field(
        min_length=1,
        description="`vendor`, `craftsman` and/or `guide` (guide only after an approved "
        "application, `POST /guides/apply`)",
    )
    bio: str | None = Field(default=None, max_length=2000)
    skills: Skills = Field(default_factory=list, max_length=MAX_SKILLS)
    district: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    service_radius_km: float | None = Field(
        default=None, gt=0, le=1000, description="How far from the point you serve"
    )
    languages: Languages = Field(default_factory=list, max_length=MAX_LANGUAGES)
    portfolio_ids: Ids = Field(
        default_factory=list,
        max_length=MAX_PORTFOLIO_ITEMS,
        description="Images uploaded first (`POST /uploads/direct`, context `portfolio`)",
    )


class ProviderUpdateIn(LocatedIn):
    """Send only what changes; `null` clears an optional field."""

    kinds: Kinds | None = Field(default=None, min_length=1)
    bio: str | None = Field(default=None, max_length=2000)
    skills: Skills | None = Field(default=None, max_length=MAX_SKILLS)
    district: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    service_radius_km: float | None = Field(default=None, gt=0, le=1000)
    languages: Languages | None = Field(default=None, max_length=MAX_LANGUAGES)
    portfolio_ids: Ids | None = Field(default=None, max_length=MAX_PORTFOLIO_ITEMS)


class CompanyIn(LocatedIn):
    name: str = Field(min_length=2, max_length=100)
    slogan: str | None = Field(default=None, max_length=150)
    description: str | None = Field(default=None, max_length=2000)
    district: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    business_phone_id: str | None = Field(
        default=None, description="A verified business phone (`/user-services/business-phones`)"
    )


class CompanyUpdateIn(LocatedIn):
    """Send only what changes; `null` clears an optional field."""

    name: str | None = Field(default=None, min_length=2, max_length=100)
    slogan: str | None = Field(default=None, max_length=150)
    description: str | None = Field(default=None, max_length=2000)
    district: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    business_phone_id: str | None = None


class BusinessPhoneIn(RequestSchema):
    phone_number: Phone = Field(description="E.164, or national format in the default region")


class OtpIn(RequestSchema):
    otp: str = Field(
        min_length=4,
        max_length=12,
        validation_alias=CODE_ALIASES,
        description="The code sent by SMS (also accepted as `code` or `otp_code`)",
    )


class IdentityVerificationIn(RequestSchema):
    """JSON alternative to the multipart files: ids of files uploaded first with context
    `verification_document`."""

    id_front_id: str | None = None
    id_back_id: str | None = None
    selfie_id: str | None = None
    notes: str | None = Field(default=None, max_length=1000)


class CraftsmanDocumentIn(RequestSchema):
    doc_type: str = Field(min_length=2, max_length=60, description="e.g. National ID, Certificate")
    file_id: str


class CraftsmanVerificationIn(RequestSchema):
    skills: Skills = Field(min_length=1, max_length=MAX_SKILLS)
    documents: list[CraftsmanDocumentIn] = Field(
        default_factory=list,
        max_length=MAX_CRAFTSMAN_DOCUMENTS,
        description="JSON: files uploaded first (context `verification_document`)",
    )
    doc_types: DocTypes = Field(
        default_factory=list,
        description="Multipart: the type of each `documents` file, in the same order",
    )
    notes: str | None = Field(default=None, max_length=1000)


class GuideApplicationIn(RequestSchema):
    bio: str = Field(min_length=20, max_length=3000)
    region: str = Field(min_length=2, max_length=100)
    specializations: Specializations = Field(min_length=1, max_length=20)
    languages: Languages = Field(min_length=1, max_length=MAX_LANGUAGES)
    years_experience: int | None = Field(default=None, ge=0, le=80)
    hourly_rate: Amount | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    motivation: str | None = Field(default=None, max_length=3000)
    resume_id: str | None = Field(default=None, description="JSON: a `guide_resume` upload")
    video_id: str | None = Field(default=None, description="JSON: a `guide_video` upload")


class GuideUpdateIn(RequestSchema):
    bio: str | None = Field(default=None, max_length=3000)
    region: str | None = Field(default=None, min_length=2, max_length=100)
    specializations: Specializations | None = Field(default=None, max_length=20)
    languages: Languages | None = Field(default=None, max_length=MAX_LANGUAGES)
    years_experience: int | None = Field(default=None, ge=0, le=80)
    hourly_rate: Amount | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)


def _hhmm(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise PydanticCustomError("time", "Use HH:MM (24-hour)")
    if int(hours) > 23 or int(minutes) > 59:
        raise PydanticCustomError("time", "Use HH:MM (24-hour)")
    return f"{int(hours):02d}:{minutes}"


Clock = Annotated[str, AfterValidator(_hhmm)]


class SlotIn(RequestSchema):
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _ordered(self) -> SlotIn:
        if self.end <= self.start:
            raise PydanticCustomError("slot", "end must be after start")
        return self


class AvailabilityDayIn(RequestSchema):
    date: date
    is_available: bool = True
    slots: list[SlotIn] = Field(default_factory=list, max_length=24)
    note: str | None = Field(default=None, max_length=300)


class AvailabilityIn(RequestSchema):
    dates: list[AvailabilityDayIn] = Field(min_length=1, max_length=MAX_AVAILABILITY_DAYS)

    @field_validator("dates")
    @classmethod
    def _distinct(cls, value: list[AvailabilityDayIn]) -> list[AvailabilityDayIn]:
        if len({day.date for day in value}) != len(value):
            raise PydanticCustomError("dates", "Each date may appear once")
        return value


# ---------------------------------------------------------------------------- responses


class FileOut(ResponseSchema):
    file_id: str
    url: str
    thumbnail_url: str | None = None
    caption: str | None = None


class UserBrief(ResponseSchema):
    id: str
    username: str
    full_name: str
    avatar: str | None


class RatingOut(ResponseSchema):
    average: float | None = Field(description="1 to 5, null until the first review")
    count: int


class VerificationTracksOut(ResponseSchema):
    identity: TrackStatus
    craftsman: TrackStatus
    guide: TrackStatus


class GuideInfoOut(ResponseSchema):
    region: str | None
    specializations: list[str]
    years_experience: int | None
    hourly_rate: str | None = Field(description="Decimal string")
    currency: str | None
    approved_at: datetime


class ProviderOut(ResponseSchema):
    """A provider profile. The public view rounds the service-area point to about 1 km and
    leaves out `address`."""

    id: str
    user_id: str
    user: UserBrief
    display_name: str
    kinds: list[ProviderKind]
    bio: str | None
    skills: list[str]
    verified_skills: list[str]
    district: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    service_radius_km: float | None
    portfolio: list[FileOut]
    languages: list[str]
    rating: RatingOut
    is_verified: bool
    verified_at: datetime | None
    verification: VerificationTracksOut
    guide: GuideInfoOut | None
    created_at: datetime
    updated_at: datetime


class ProvidersPage(ResponseSchema):
    items: list[ProviderOut]
    pagination: PaginationMeta


class PhoneOut(ResponseSchema):
    id: str
    phone_number: str


class CompanyOut(ResponseSchema):
    id: str
    owner_id: str
    provider_id: str
    name: str
    slogan: str | None
    description: str | None
    district: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    logo: str | None = Field(description="URL of the logo (seed 000 `logo`)")
    logo_file: FileOut | None
    business_phone: PhoneOut | None
    created_at: datetime
    updated_at: datetime


class BusinessPhoneOut(ResponseSchema):
    id: str
    phone_number: str
    status: Literal["pending", "verified"]
    is_verified: bool
    verified_at: datetime | None
    created_at: datetime


class PhoneCodeSentOut(BusinessPhoneOut):
    code_expires_at: datetime | None
    resend_after_seconds: int


class VerificationFileOut(ResponseSchema):
    id: str = Field(description="The file id")
    role: str
    doc_type: str | None
    filename: str
    file_url: str | None = Field(description="Signed, expires: fetch it when you show it")
    content_type: str | None
    file_size: int | None
    uploaded_at: datetime


class IdentityStatusOut(ResponseSchema):
    """Seed 003 21: `status` is `not_submitted`, `submitted` (under review), `verified` or
    `rejected`."""

    status: Literal["not_submitted", "submitted", "verified", "rejected"]
    submitted_at: datetime | None
    verified_at: datetime | None
    rejection_reason: str | None
    resubmit_count: int = 0


class CraftsmanVerificationOut(ResponseSchema):
    id: str | None
    status: TrackStatus
    skills: list[str]
    documents: list[VerificationFileOut]
    notes: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    rejection_reason: str | None
    resubmit_count: int


class GuideApplicationOut(ResponseSchema):
    id: str
    user_id: str
    status: Literal["pending", "verified", "rejected"] = Field(
        description="`verified` means approved"
    )
    bio: str | None
    region: str | None
    specializations: list[str]
    languages: list[str]
    years_experience: int | None
    hourly_rate: str | None
    currency: str | None
    motivation: str | None
    resume: VerificationFileOut | None
    video: VerificationFileOut | None
    submitted_at: datetime
    reviewed_at: datetime | None
    rejection_reason: str | None
    resubmit_count: int


class VerificationOut(ResponseSchema):
    """A verification request as staff review it (admin issue)."""

    id: str
    kind: Literal["identity", "craftsman", "guide"]
    status: Literal["pending", "verified", "rejected"]
    user: UserBrief | None
    files: list[VerificationFileOut]
    skills: list[str]
    application: GuideApplicationOut | None
    notes: str | None
    submitted_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_notes: str | None
    rejection_reason: str | None
    resubmit_count: int


class VerificationsPage(ResponseSchema):
    items: list[VerificationOut]
    pagination: PaginationMeta


class SlotOut(ResponseSchema):
    start: str
    end: str


class AvailabilityDayOut(ResponseSchema):
    date: date
    is_available: bool
    slots: list[SlotOut]
    note: str | None


class AvailabilityOut(ResponseSchema):
    guide_id: str
    from_date: date
    to_date: date
    days: list[AvailabilityDayOut] = Field(
        description="Days the guide described; days not listed are not set"
    )
