"""Search and discovery routes."""

# Seed 003 module 9, seed 000 1.2/1.5, seed 002 Tasks 5, 6, 11.

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from bson import ObjectId
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from kwika.core.auth import Client, CurrentPrincipal, OptionalPrincipal, require_staff, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.errors import ValidationFailed
from kwika.core.openapi import described
from kwika.core.pagination import Paging
from kwika.modules.discovery import service
from kwika.modules.discovery.constants import ExperienceCategory
from kwika.modules.discovery.documents import ListingKind, global_kinds
from kwika.modules.discovery.schemas import (
    CacheStatsOut,
    PopularSearchOut,
    SavedOut,
    SearchPage,
    SuggestionOut,
)
from kwika.modules.discovery.search import DEFAULT_SERVICE_RADIUS_KM, SearchQuery, SortBy

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]

Text = Annotated[str | None, QueryParameter(max_length=100, description="Words to look for")]
Id = Annotated[str | None, QueryParameter(description="24-hex id")]
ServiceCategory = Annotated[
    str | None,
    QueryParameter(
        description="A service category of the reference data (`GET /reference/categories`), "
        "24-hex id"
    ),
]
CategoryAlias = Annotated[
    str | None,
    QueryParameter(description="Alias of `service_category_id`, kept for existing clients"),
]


def _categories(*ids: str | None) -> list[str]:
    """The reference categories asked for, under either name (each once)."""
    return list(dict.fromkeys(i for i in ids if i))


Price = Annotated[Decimal | None, QueryParameter(description="Decimal amount")]
Flag = Annotated[bool | None, QueryParameter()]
Lat = Annotated[float | None, QueryParameter(description="Latitude, with `lng`")]
Lng = Annotated[float | None, QueryParameter(description="Longitude, with `lat`")]
Radius = Annotated[
    float | None,
    QueryParameter(description="Only within this many km of `lat`/`lng` (needs them)"),
]


async def service_query(
    q: Text = None,
    service_category_id: ServiceCategory = None,
    category_id: CategoryAlias = None,
    type_id: Id = None,
    event_type_id: Id = None,
    location: Annotated[str | None, QueryParameter(max_length=100)] = None,
    district: Annotated[str | None, QueryParameter(max_length=100)] = None,
    min_price: Price = None,
    max_price: Price = None,
    currency: Annotated[str | None, QueryParameter(min_length=3, max_length=3)] = None,
    min_rating: Annotated[float | None, QueryParameter()] = None,
    verified: Flag = None,
    available: Flag = None,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = None,
    sort_by: Annotated[SortBy, QueryParameter()] = "relevance",
) -> SearchQuery:
    return SearchQuery(
        kinds=["service"],
        q=q,
        category_ids=_categories(service_category_id, category_id),
        type_id=type_id,
        event_type_id=event_type_id,
        location=location,
        district=district,
        min_price=min_price,
        max_price=max_price,
        currency=currency,
        min_rating=min_rating,
        verified=verified,
        available=available,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        default_radius_km=DEFAULT_SERVICE_RADIUS_KM,
        sort_by=sort_by,
        fuzzy=True,
    )


async def provider_query(
    q: Text = None,
    kind: Annotated[Literal["vendor", "craftsman", "guide"] | None, QueryParameter()] = None,
    skill: Annotated[str | None, QueryParameter(max_length=60)] = None,
    service_category_id: ServiceCategory = None,
    category_id: CategoryAlias = None,
    district: Annotated[str | None, QueryParameter(max_length=100)] = None,
    location: Annotated[str | None, QueryParameter(max_length=100)] = None,
    min_rating: Annotated[float | None, QueryParameter()] = None,
    verified: Flag = None,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = None,
    sort_by: Annotated[SortBy, QueryParameter()] = "relevance",
) -> SearchQuery:
    return SearchQuery(
        kinds=["provider"],
        q=q,
        provider_kind=kind,
        skill=skill,
        category_ids=_categories(service_category_id, category_id),
        district=district,
        location=location,
        min_rating=min_rating,
        verified=verified,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        sort_by=sort_by,
    )


async def company_query(
    q: Text = None,
    service_category_id: ServiceCategory = None,
    category_id: CategoryAlias = None,
    district: Annotated[str | None, QueryParameter(max_length=100)] = None,
    location: Annotated[str | None, QueryParameter(max_length=100)] = None,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = None,
    sort_by: Annotated[SortBy, QueryParameter()] = "relevance",
) -> SearchQuery:
    return SearchQuery(
        kinds=["company"],
        q=q,
        category_ids=_categories(service_category_id, category_id),
        district=district,
        location=location,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        sort_by=sort_by,
    )


async def promotion_query(
    q: Text = None,
    category: Annotated[str | None, QueryParameter(max_length=100)] = None,
    address: Annotated[str | None, QueryParameter(max_length=100)] = None,
    date: Annotated[dt.date | None, QueryParameter(description="Active on this day")] = None,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = None,
) -> SearchQuery:
    return SearchQuery(
        kinds=["promotion"],
        q=q,
        category_names=[category] if category else [],
        location=address,
        active_only=True,
        on_date=dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC) if date else None,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        sort_by="end_date",
        facets=False,
    )


async def experience_query(
    q: Text = None,
    category: Annotated[ExperienceCategory | None, QueryParameter()] = None,
    guide_id: Annotated[str | None, QueryParameter(description="One guide's (provider id)")] = None,
    location: Annotated[str | None, QueryParameter(max_length=100)] = None,
    min_price: Price = None,
    max_price: Price = None,
    currency: Annotated[str | None, QueryParameter(min_length=3, max_length=3)] = None,
    min_rating: Annotated[float | None, QueryParameter()] = None,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = None,
    sort_by: Annotated[SortBy, QueryParameter()] = "newest",
) -> SearchQuery:
    if guide_id and not ObjectId.is_valid(guide_id):
        raise ValidationFailed.single("guide_id", "Not a valid id")
    return SearchQuery(
        kinds=["experience"],
        q=q,
        category_names=[category] if category else [],
        provider_id=guide_id,
        location=location,
        min_price=min_price,
        max_price=max_price,
        currency=currency,
        min_rating=min_rating,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        sort_by=sort_by,
    )


async def global_query(
    q: Text = None,
    type: Annotated[
        Literal["all", "services", "experiences", "guides", "providers", "companies"],
        QueryParameter(),
    ] = "all",
    category: Annotated[str | None, QueryParameter(max_length=100)] = None,
    location: Annotated[str | None, QueryParameter(max_length=100)] = None,
    min_price: Price = None,
    max_price: Price = None,
    rating: Annotated[float | None, QueryParameter(description="Minimum rating")] = None,
) -> SearchQuery:
    kinds: dict[str, list[ListingKind]] = {
        "all": global_kinds(),
        "services": ["service"],
        "experiences": ["experience"],
        "guides": ["provider"],
        "providers": ["provider"],
        "companies": ["company"],
    }
    return SearchQuery(
        kinds=kinds[type],
        q=q,
        category_names=[category] if category else [],
        provider_kind="guide" if type == "guides" else None,
        location=location,
        min_price=min_price,
        max_price=max_price,
        min_rating=rating,
        fuzzy=True,
    )


def _deps(factory: object) -> dict[str, Provide]:
    return {"criteria": Provide(factory)}  # type: ignore[arg-type]


Query = NamedDependency[SearchQuery]


class ServiceSearchController(Controller):
    path = "/services"
    tags = ["Discovery"]

    @get("/", summary="Search services", dependencies=_deps(service_query), responses=errors())
    async def search_services(self, criteria: Query, paging: Paging) -> Envelope[SearchPage]:
        # Seed 003 9.1 and its 2026-02-19 addendum; 9.1.1 for event recommendations.
        """`q` matches title, description, tags,
        category, type and place (case and accents ignored). `sort_by=relevance` (default)
        scores out of 100: rating 25, reviews 20 (log scale), event-type match 20, proximity
        15 (within 10/25/50/100 km: 15/12/8/4), verified 10, completeness 10, plus 10 when the
        title contains `q`. With `lat`/`lng` only services with coordinates within
        `radius_km` (default 50) are returned, each with `distance_km`; `sort_by=distance`
        orders by it; `radius_km` alone is a 400. `location` matches the place text,
        `district` its first part ("Nairobi" for "Nairobi, Kenya"). Price filters compare in
        `currency` (default TZS) and match services whose price range overlaps; amounts
        must be finite, 0 to 10^12. Prices in other currencies compare at the rates of
        `KWIKA_CURRENCY_RATES` (a KES service matches a TZS range at its TZS worth), and with
        `currency` each item also has `converted_price` {min, max, currency}; the card keeps
        its own price and currency. `service_category_id` is a reference service category
        (`category_id` is its alias). Each item is the service card plus `type`,
        `verified`, `distance_km` (null without `lat`/`lng`) and `provider` (the block of
        the service's public page). `filters` gives the locations, categories (id, name, count) and
        price range (in `currency`) of the whole result. When nothing matches `q`, close
        spellings of its first five words are tried, as in `/search` (`corrected_query`
        says which). Event recommendations: `event_type_id` +
        `sort_by=rating` + `available=true`."""
        return ok(await service.find(criteria, paging), "Services retrieved successfully")

    @get("/featured", summary="Featured services", responses=errors())
    async def featured_services(self, paging: Paging) -> Envelope[SearchPage]:
        """Ordered by ranking score (time-decayed views, rating, reviews, completeness,
        verification); each item carries `ranking_score` and `access_count`."""
        return ok(await service.featured("service", paging), "Featured services retrieved")

    @get(
        "/saved",
        summary="My saved services",
        guards=[require_user],
        security=BEARER,
        responses=errors(401),
    )
    async def saved_services(
        self, principal: CurrentPrincipal, paging: Paging
    ) -> Envelope[SearchPage]:
        # Seed 003 9.7.
        """Newest saved first; each item has `saved_at`."""
        return ok(await service.saved(principal.id, "service", paging), "Saved services retrieved")

    @post(
        "/{service_id:str}/save",
        status_code=200,
        summary="Save or unsave a service",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def toggle_save(
        self, principal: CurrentPrincipal, service_id: FromPath[str]
    ) -> Envelope[SavedOut]:
        # Seed 003 9.6.
        """A toggle; `saved` tells the new state."""
        result = await service.toggle_saved(principal.id, "service", service_id)
        return ok(result, "Service saved" if result.saved else "Service removed from saved")


class ExperienceSearchController(Controller):
    path = "/experiences"
    tags = ["Experiences"]

    @get("/", summary="Experiences", dependencies=_deps(experience_query), responses=errors())
    async def search_experiences(self, criteria: Query, paging: Paging) -> Envelope[SearchPage]:
        # Seed 002 Task 6.
        """Public: active experiences, newest first by default. Filters:
        `category` (nightlife, cultural, adventure, food, nature), `guide_id`, `q`, price
        range (`min_price`/`max_price` in `currency`), `location` (a place name) or
        `lat`/`lng` with `radius_km` (no default radius), `min_rating`; `sort_by` as for
        services. Items are the experiences' public pages with `type`, `verified`,
        `distance_km` and `provider` (the guide); `filters` summarises the whole result."""
        return ok(await service.find(criteria, paging), "Experiences retrieved successfully")


class ProviderSearchController(Controller):
    path = "/providers"
    tags = ["Providers"]

    @get("/", summary="Search providers", dependencies=_deps(provider_query), responses=errors())
    async def search_providers(self, criteria: Query, paging: Paging) -> Envelope[SearchPage]:
        # Seed 000 1.2.
        """By name (`q`), `service_category_id` (alias `category_id`),
        `district` and location (`lat`/`lng` with `radius_km`, or a `location` name);
        `kind` (`vendor`, `craftsman`, `guide`) and `skill` find e.g. craftsmen with a skill
        near a point. Same sorting and
        `distance_km` rules as service search, except that `lat`/`lng` without `radius_km`
        returns every located provider, nearest first."""
        return ok(await service.find(criteria, paging), "Providers retrieved")

    @get("/featured", summary="Featured providers", responses=errors())
    async def featured_providers(self, paging: Paging) -> Envelope[SearchPage]:
        """Ordered by ranking score; items carry `ranking_score` and `access_count`."""
        return ok(await service.featured("provider", paging), "Featured providers retrieved")


class CompanySearchController(Controller):
    path = "/companies"
    tags = ["Companies"]

    @get("/", summary="Search companies", dependencies=_deps(company_query), responses=errors())
    async def search_companies(self, criteria: Query, paging: Paging) -> Envelope[SearchPage]:
        # Seed 000 1.2.
        """By name (`q`), `service_category_id` (alias `category_id`), `district` and
        location, with infinite-scroll pagination."""
        return ok(await service.find(criteria, paging), "Companies retrieved")


class PromotionSearchController(Controller):
    path = "/promotions"
    tags = ["Promotions"]

    @get("/", summary="Search promotions", dependencies=_deps(promotion_query), responses=errors())
    async def search_promotions(self, criteria: Query, paging: Paging) -> Envelope[SearchPage]:
        # Seed 000 1.5.
        """Active promotions only (expired ones never show), filtered by `q`
        (name), `category`, `address` and `date` (running on that day), ordered by end date,
        soonest first."""
        return ok(await service.find(criteria, paging), "Promotions retrieved")


class GlobalSearchController(Controller):
    path = "/search"
    tags = ["Discovery"]

    @get(
        "/",
        summary="Search everything",
        dependencies=_deps(global_query),
        responses=errors(),
        opt=described(
            response={
                "items": [
                    {
                        "type": "service",
                        "id": "6650f1c2a9d3e41b2c7a9f02",
                        "title": "Wedding photography",
                        "verified": True,
                        "distance_km": 2.4,
                        "provider": {
                            "id": "6650f1c2a9d3e41b2c7a9f03",
                            "name": "Otieno Studios",
                            "avatar": None,
                            "verified": True,
                        },
                    }
                ],
                "pagination": {
                    "page": 1,
                    "limit": 20,
                    "total_items": 1,
                    "total_pages": 1,
                    "has_next": False,
                    "has_previous": False,
                },
                "filters": None,
                "corrected_query": None,
            },
            message="Search results",
        ),
    )
    async def search_all(
        self, criteria: Query, paging: Paging, viewer: OptionalPrincipal, client: Client
    ) -> Envelope[SearchPage]:
        # Seed 002 Task 11.
        """`q` across services, experiences, providers (guides) and
        companies (`type` narrows it), by relevance; each item's `type` says which
        (`service`, `experience`, `provider`, `company`). When nothing matches, close
        spellings of the first five words are tried (`corrected_query` says which).
        Successful searches with words are counted for `/search/popular`."""
        searcher = f"user:{viewer.id}" if viewer else f"ip:{client.ip}"
        return ok(await service.find(criteria, paging, searcher=searcher), "Search results")

    @get("/suggest", summary="Autocomplete", responses=errors())
    async def suggest(
        self,
        q: Annotated[str, QueryParameter(min_length=1, max_length=100)],
        limit: Annotated[int, QueryParameter(ge=1, le=20)] = 10,
    ) -> Envelope[list[SuggestionOut]]:
        """Listing titles, popular searches and indexed words starting with `q`."""
        return ok(await service.suggestions(q, global_kinds(), limit), "Suggestions")

    @get("/popular", summary="Popular searches", responses=errors())
    async def popular(
        self, limit: Annotated[int, QueryParameter(ge=1, le=50)] = 10
    ) -> Envelope[list[PopularSearchOut]]:
        """The searches the most people made in the last seven days (`count`: how many
        different people); a search shows only once `KWIKA_POPULAR_SEARCH_MIN_SEARCHERS`
        (default 3) people made it."""
        return ok(await service.popular(limit), "Popular searches")


class CacheStatsController(Controller):
    path = "/admin/stats/cache"
    tags = ["Admin: stats"]
    guards = [require_staff("admin", "viewer")]
    security = BEARER

    @get("/", summary="Cache hit ratios", responses=errors(401, 403))
    async def cache_stats(self) -> Envelope[list[CacheStatsOut]]:
        """Hits, misses and hit ratio of every Redis cache namespace (last 30 days)."""
        return ok(await service.cache_stats(), "Cache statistics")


CONTROLLERS = [
    ServiceSearchController,
    ExperienceSearchController,
    ProviderSearchController,
    CompanySearchController,
    PromotionSearchController,
    GlobalSearchController,
    CacheStatsController,
]
