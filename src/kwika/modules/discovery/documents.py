"""The discovery read model: one searchable listing per public object of other modules.

Providers, companies, services, experiences and promotions are owned by their modules; each
change they make is mirrored here (synchronously, through signals), so search, facets,
distance and ranking run on one collection with the indexes they need.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, GEOSPHERE, IndexModel

from kwika.core import clock
from kwika.core.module import listing_kinds

# A kind declared in ``ModuleSpec.listing_kinds`` (service, experience, provider, company and
# promotion are declared by discovery's own spec, in feeds.py).
ListingKind = str


def global_kinds() -> list[ListingKind]:
    """The kinds ``/search`` and ``/search/suggest`` look in when no type is asked for."""
    return [declared.name for declared in listing_kinds if declared.global_search]


class GeoPoint(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float]  # [lng, lat]


class ListingProvider(BaseModel):
    """Who offers a service, experience or company, as result cards show them (seed 003
    9.1); refreshed on every ``providers.provider_changed``."""

    id: str
    # The same block as a service's public page shows (one `provider` shape everywhere).
    user_id: str | None = None
    name: str
    avatar: str | None = None
    verified: bool = False
    rating: float | None = None
    review_count: int = 0


class CategoryLabel(BaseModel):
    """A category as facets name it, copied when the listing is indexed (like the card)."""

    id: PydanticObjectId
    name: str | None = None


class Listing(Document):
    kind: ListingKind
    ref_id: PydanticObjectId
    owner_id: PydanticObjectId | None = None
    provider_id: PydanticObjectId | None = None
    provider: ListingProvider | None = None
    title: str
    # Lower-cased, accent-free copies for case-insensitive prefix and term matching.
    title_key: str
    search_text: str
    terms: list[str] = Field(default_factory=list)
    category_ids: list[PydanticObjectId] = Field(default_factory=list)
    categories: list[CategoryLabel] = Field(default_factory=list)
    category_keys: list[str] = Field(default_factory=list)
    type_id: PydanticObjectId | None = None
    event_type_ids: list[PydanticObjectId] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    provider_kinds: list[str] = Field(default_factory=list)
    district: str | None = None
    district_key: str | None = None
    location_text: str | None = None
    location_key: str | None = None
    location: GeoPoint | None = None
    price_min_minor: int | None = None
    price_max_minor: int | None = None
    currency: str | None = None
    # The price range converted to the default currency's minor units (listings.price_factor).
    price_min_norm: float | None = None
    price_max_norm: float | None = None
    rating: float = 0.0
    review_count: int = 0
    verified: bool = False
    available: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    completeness: float = 0.0
    base_score: float = 0.0
    static_rank: float = 0.0
    view_rank: float = 0.0
    access_count: int = 0
    views_decayed: float = 0.0
    views_updated_at: datetime | None = None
    ranking_score: float = 0.0
    source_created_at: datetime
    indexed_at: datetime = Field(default_factory=clock.now)
    # What list endpoints return for this listing, rendered by the owning module.
    card: dict[str, Any] = Field(default_factory=dict)

    class Settings:
        name = "listings"
        keep_nulls = False
        indexes = [
            IndexModel([("kind", ASCENDING), ("ref_id", ASCENDING)], unique=True),
            IndexModel([("location", GEOSPHERE), ("kind", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("ranking_score", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("category_ids", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("type_id", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("district_key", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("title_key", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("source_created_at", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("ends_at", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("rating", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("price_min_minor", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("price_max_minor", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("price_min_norm", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("price_max_norm", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("review_count", DESCENDING)]),
            IndexModel([("kind", ASCENDING), ("category_keys", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("event_type_ids", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("provider_kinds", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("skills", ASCENDING)]),
            IndexModel([("owner_id", ASCENDING)]),
            IndexModel([("kind", ASCENDING), ("provider_id", ASCENDING)]),
            IndexModel([("views_decayed", DESCENDING)]),
        ]


class SearchTerm(Document):
    """The vocabulary of every listing, for typo tolerance and suggestions."""

    term: str
    frequency: int = 0  # how many listings use it

    class Settings:
        name = "search_terms"
        indexes = [
            IndexModel([("term", ASCENDING)], unique=True),
            IndexModel([("frequency", DESCENDING)]),
        ]


class SavedListing(Document):
    user_id: PydanticObjectId
    kind: ListingKind
    ref_id: PydanticObjectId
    created_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "saved_listings"
        indexes = [
            IndexModel(
                [("user_id", ASCENDING), ("kind", ASCENDING), ("ref_id", ASCENDING)], unique=True
            ),
            IndexModel([("user_id", ASCENDING), ("kind", ASCENDING), ("created_at", DESCENDING)]),
        ]
