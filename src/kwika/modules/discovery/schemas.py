from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kwika.core.pagination import PaginationMeta


class CountOut(BaseModel):
    name: str
    count: int


class CategoryCountOut(BaseModel):
    id: str
    name: str | None = Field(description="The service category's name (null if deleted since)")
    count: int


class PriceRangeOut(BaseModel):
    min: str
    max: str
    currency: str


class FiltersOut(BaseModel):
    """Facets of the whole result (all pages), for building filter controls."""

    locations: list[CountOut] = Field(default_factory=list)
    categories: list[CategoryCountOut] = Field(default_factory=list)
    price_range: PriceRangeOut | None = None


class SearchPage(BaseModel):
    items: list[dict[str, Any]] = Field(
        description="Cards of the matching objects, each with `type` (the listing kind), "
        "`verified`, `distance_km` (null without `lat`/`lng`) and, for services, "
        "experiences and companies, `provider` {id, user_id, name, avatar, verified, "
        "rating, review_count}: the same block as a service's public page"
    )
    pagination: PaginationMeta
    filters: FiltersOut | None = None
    corrected_query: str | None = Field(
        default=None, description="Set when nothing matched `q` and a close spelling did"
    )


class SuggestionOut(BaseModel):
    text: str
    type: str = Field(description="`listing` (with kind and id), `popular` or `term`")
    kind: str | None = None
    id: str | None = None


class PopularSearchOut(BaseModel):
    query: str
    count: int


class SavedOut(BaseModel):
    saved: bool


class CacheStatsOut(BaseModel):
    namespace: str
    hits: int
    misses: int
    hit_ratio: float | None
