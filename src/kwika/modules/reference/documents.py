"""Reference data. Every record has a stable ``key`` (the seeder's upsert key, unique) and
is soft-deleted (``deleted_at``) so that objects referring to it keep a name to show and a
re-seed does not resurrect what staff removed."""

from __future__ import annotations

from datetime import datetime

from beanie import PydanticObjectId
from pymongo import ASCENDING, IndexModel

from kwika.core.documents import Timestamped


def _key_index() -> IndexModel:
    return IndexModel([("key", ASCENDING)], unique=True, name="key_unique")


def _listing_index() -> IndexModel:
    return IndexModel([("deleted_at", ASCENDING), ("display_order", ASCENDING)])


class EventType(Timestamped):
    key: str
    name: str
    description: str | None = None
    icon: str | None = None
    color: str | None = None
    is_active: bool = True
    display_order: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_event_types"
        keep_nulls = False
        indexes = [_key_index(), _listing_index()]


class ServiceCategory(Timestamped):
    key: str
    name: str
    description: str | None = None
    icon: str | None = None
    image_url: str | None = None
    is_active: bool = True
    display_order: int = 0
    # Maintained by the catalogue through reference.adjust_service_count.
    service_count: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_service_categories"
        keep_nulls = False
        indexes = [_key_index(), _listing_index()]


class ServiceType(Timestamped):
    key: str  # "<category key>/<type key>": names are unique within a category
    category_id: PydanticObjectId
    name: str
    description: str | None = None
    is_active: bool = True
    display_order: int = 0
    service_count: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_service_types"
        keep_nulls = False
        indexes = [
            _key_index(),
            _listing_index(),
            IndexModel([("category_id", ASCENDING), ("display_order", ASCENDING)]),
        ]


class KycRequirement(Timestamped):
    """A KYC document definition (seed 003 ``kyc_requirements``)."""

    key: str
    name: str
    description: str | None = None
    document_type: str
    accepted_formats: list[str]
    max_file_size_mb: int = 5
    display_order: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_kyc_requirements"
        keep_nulls = False
        indexes = [_key_index(), _listing_index()]


class ServiceTypeKyc(Timestamped):
    """Seed 003 ``service_kyc_mapping``: a requirement applies to a service type."""

    key: str  # "<service type key>|<requirement key>"
    service_type_id: PydanticObjectId
    kyc_requirement_id: PydanticObjectId
    is_mandatory: bool = True

    class Settings:
        name = "reference_service_type_kyc"
        keep_nulls = False
        indexes = [
            _key_index(),
            IndexModel(
                [("service_type_id", ASCENDING), ("kyc_requirement_id", ASCENDING)], unique=True
            ),
            IndexModel([("kyc_requirement_id", ASCENDING)]),
        ]


class Currency(Timestamped):
    key: str  # the ISO 4217 code
    code: str
    name: str
    symbol: str
    is_active: bool = True
    display_order: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_currencies"
        keep_nulls = False
        indexes = [_key_index(), _listing_index()]


class Country(Timestamped):
    key: str  # the ISO 3166 alpha-2 code
    code: str
    name: str
    phone_code: str
    currency_code: str
    is_active: bool = True
    display_order: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_countries"
        keep_nulls = False
        indexes = [_key_index(), _listing_index()]


class Interest(Timestamped):
    key: str
    name: str
    icon: str | None = None
    is_active: bool = True
    display_order: int = 0
    deleted_at: datetime | None = None

    class Settings:
        name = "reference_interests"
        keep_nulls = False
        indexes = [_key_index(), _listing_index()]


class EventTypeCategory(Timestamped):
    """Seed 003 ``event_type_services``: a service category suits an event type (9.1.1
    recommendations, the relevance score's event-type match)."""

    key: str  # "<event type key>|<category key>"
    event_type_id: PydanticObjectId
    service_category_id: PydanticObjectId

    class Settings:
        name = "reference_event_type_categories"
        keep_nulls = False
        indexes = [
            _key_index(),
            IndexModel([("service_category_id", ASCENDING)]),
            IndexModel([("event_type_id", ASCENDING)]),
        ]


DOCUMENTS = [
    EventType,
    EventTypeCategory,
    ServiceCategory,
    ServiceType,
    KycRequirement,
    ServiceTypeKyc,
    Currency,
    Country,
    Interest,
]
