"""Reference shapes: public responses exactly as seed 003 module 2 shows them, the records
the cache holds, and the inputs staff use (admin issue)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from kwika.core.schemas import RequestSchema, ResponseSchema

# ---------------------------------------------------------------- public responses


class EventTypeOut(ResponseSchema):
    id: str
    name: str
    description: str | None
    icon: str | None
    color: str | None
    is_active: bool
    display_order: int
    created_at: datetime


class ServiceCategoryOut(ResponseSchema):
    id: str
    name: str
    description: str | None
    icon: str | None
    image_url: str | None
    is_active: bool
    display_order: int
    service_count: int
    created_at: datetime


class ServiceTypeOut(ResponseSchema):
    id: str
    category_id: str
    name: str
    description: str | None
    is_active: bool
    display_order: int
    service_count: int
    created_at: datetime


class KycRequirementOut(ResponseSchema):
    id: str = Field(description="The KYC requirement's id (`kyc_requirement_id` elsewhere)")
    service_type_id: str
    name: str
    description: str | None
    document_type: str
    is_required: bool
    accepted_formats: list[str]
    max_file_size_mb: int
    display_order: int
    created_at: datetime


class CurrencyOut(ResponseSchema):
    id: str
    code: str
    name: str
    symbol: str
    is_default: bool
    is_active: bool


class CountryOut(ResponseSchema):
    id: str
    code: str
    name: str
    phone_code: str
    currency_code: str
    is_active: bool


class InterestOut(ResponseSchema):
    id: str
    key: str = Field(description="Stable identifier to store in preferences")
    name: str
    icon: str | None
    display_order: int
    is_active: bool


# ---------------------------------------------------------------- cached records
# What the cache holds: the public fields plus what staff screens and lookups need.


class EventTypeRecord(EventTypeOut):
    key: str


class ServiceCategoryRecord(ServiceCategoryOut):
    key: str


class ServiceTypeRecord(ServiceTypeOut):
    key: str
    requires_kyc: bool = False


class KycDefinitionOut(ResponseSchema):
    """A KYC requirement definition (seed 003 `GET /admin/kyc-definitions`)."""

    id: str
    key: str
    name: str
    description: str | None
    document_type: str
    accepted_formats: list[str]
    max_file_size_mb: int
    display_order: int
    created_at: datetime


class KycMappingRecord(KycRequirementOut):
    mapping_id: str


class CurrencyRecord(ResponseSchema):
    id: str
    key: str
    code: str
    name: str
    symbol: str
    is_active: bool
    display_order: int


class CountryRecord(CountryOut):
    key: str
    display_order: int


class InterestRecord(InterestOut):
    pass


# ---------------------------------------------------------------- staff inputs

KYC_FORMATS = {"jpg", "jpeg", "png", "webp", "pdf", "doc", "docx"}


def _known_formats(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    formats = [f.strip().lower().lstrip(".") for f in value]
    unknown = sorted(set(formats) - KYC_FORMATS)
    if unknown:
        raise ValueError(f"Unknown formats: {', '.join(unknown)}")
    return list(dict.fromkeys(formats))


class EventTypeIn(RequestSchema):
    name: str = Field(min_length=2, max_length=80)
    description: str | None = Field(default=None, max_length=500)
    icon: str | None = Field(default=None, max_length=80)
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    display_order: int = Field(default=0, ge=0, le=10000)
    is_active: bool = True


class EventTypeUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    description: str | None = Field(default=None, max_length=500)
    icon: str | None = Field(default=None, max_length=80)
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    display_order: int | None = Field(default=None, ge=0, le=10000)
    is_active: bool | None = None


class ServiceCategoryIn(RequestSchema):
    name: str = Field(min_length=2, max_length=80)
    description: str | None = Field(default=None, max_length=500)
    icon: str | None = Field(default=None, max_length=80)
    image_url: str | None = Field(default=None, max_length=500)
    display_order: int = Field(default=0, ge=0, le=10000)
    is_active: bool = True


class ServiceCategoryUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    description: str | None = Field(default=None, max_length=500)
    icon: str | None = Field(default=None, max_length=80)
    image_url: str | None = Field(default=None, max_length=500)
    display_order: int | None = Field(default=None, ge=0, le=10000)
    is_active: bool | None = None


class ServiceTypeIn(RequestSchema):
    category_id: str
    name: str = Field(min_length=2, max_length=80)
    description: str | None = Field(default=None, max_length=500)
    display_order: int = Field(default=0, ge=0, le=10000)
    is_active: bool = True


class ServiceTypeUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    description: str | None = Field(default=None, max_length=500)
    display_order: int | None = Field(default=None, ge=0, le=10000)
    is_active: bool | None = None


class KycDefinitionIn(RequestSchema):
    name: str = Field(min_length=2, max_length=120)
    description: str | None = Field(default=None, max_length=500)
    document_type: str = Field(min_length=2, max_length=40)
    accepted_formats: list[str] = Field(min_length=1)
    max_file_size_mb: int = Field(default=5, ge=1, le=10)
    display_order: int = Field(default=0, ge=0, le=10000)

    _formats = field_validator("accepted_formats")(_known_formats)


class KycDefinitionUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=120)
    description: str | None = Field(default=None, max_length=500)
    document_type: str | None = Field(default=None, min_length=2, max_length=40)
    accepted_formats: list[str] | None = Field(default=None, min_length=1)
    max_file_size_mb: int | None = Field(default=None, ge=1, le=10)
    display_order: int | None = Field(default=None, ge=0, le=10000)

    _formats = field_validator("accepted_formats")(_known_formats)


class KycMappingIn(RequestSchema):
    kyc_requirement_id: str
    is_mandatory: bool = True


class CurrencyIn(RequestSchema):
    code: str = Field(pattern=r"^[A-Za-z]{3}$")
    name: str = Field(min_length=2, max_length=80)
    symbol: str = Field(min_length=1, max_length=8)
    display_order: int = Field(default=0, ge=0, le=10000)
    is_active: bool = True


class CurrencyUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    symbol: str | None = Field(default=None, min_length=1, max_length=8)
    display_order: int | None = Field(default=None, ge=0, le=10000)
    is_active: bool | None = None


class CountryIn(RequestSchema):
    code: str = Field(pattern=r"^[A-Za-z]{2}$")
    name: str = Field(min_length=2, max_length=80)
    phone_code: str = Field(pattern=r"^\+\d{1,4}$")
    currency_code: str = Field(pattern=r"^[A-Za-z]{3}$")
    display_order: int = Field(default=0, ge=0, le=10000)
    is_active: bool = True


class CountryUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    phone_code: str | None = Field(default=None, pattern=r"^\+\d{1,4}$")
    currency_code: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    display_order: int | None = Field(default=None, ge=0, le=10000)
    is_active: bool | None = None


class InterestIn(RequestSchema):
    name: str = Field(min_length=2, max_length=80)
    icon: str | None = Field(default=None, max_length=80)
    display_order: int = Field(default=0, ge=0, le=10000)
    is_active: bool = True


class InterestUpdate(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    icon: str | None = Field(default=None, max_length=80)
    display_order: int | None = Field(default=None, ge=0, le=10000)
    is_active: bool | None = None
