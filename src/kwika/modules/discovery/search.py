"""Searching the read model: filters, text, distance, relevance, facets, pagination.

One aggregation answers a page, its total and its facets. With a location it starts with
``$geoNear`` (MongoDB's, or the embedded engine's faithful copy), so distance order and the
radius cut-off come from the geospatial index. Every sort ends with ``_id`` so pages never
overlap or skip when scores tie.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.clock import as_utc
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.money import MoneyError, from_minor, to_minor
from kwika.core.pagination import PageParams
from kwika.modules.discovery.documents import Listing, ListingKind, SearchTerm
from kwika.modules.discovery.listings import W_EVENT_TYPE
from kwika.modules.discovery.text import fold, regex_escape, words

SortBy = Literal[
    "relevance",
    "distance",
    "rating",
    "reviews",
    "price_low",
    "price_high",
    "newest",
    "ranking",
    "end_date",
]
# Seed 003 addendum: proximity points by distance tier (metres -> points of 15).
PROXIMITY_TIERS = ((10_000, 15), (25_000, 12), (50_000, 8), (100_000, 4))
TEXT_TITLE_BOOST = 10
MAX_RADIUS_KM = 20_000


@dataclass
class SearchQuery:
    kinds: list[ListingKind]
    q: str | None = None
    category_ids: list[str] = field(default_factory=list)
    category_names: list[str] = field(default_factory=list)
    type_id: str | None = None
    event_type_id: str | None = None
    skill: str | None = None
    provider_kind: str | None = None
    provider_id: str | None = None
    district: str | None = None
    location: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str | None = None
    min_rating: float | None = None
    verified: bool | None = None
    available: bool | None = None
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    active_only: bool = False
    on_date: datetime | None = None
    sort_by: SortBy = "relevance"
    preferred_event_type_ids: list[str] = field(default_factory=list)
    facets: bool = True
    fuzzy: bool = False


@dataclass
class SearchResult:
    items: list[dict[str, Any]]
    total: int
    facets: dict[str, Any]
    corrected_query: str | None = None


def _oid(value: str, name: str) -> ObjectId:
    if not ObjectId.is_valid(value):
        raise ValidationFailed.single(name, f"{name} must be a 24-hex id")
    return ObjectId(value)


def _validate(query: SearchQuery) -> None:
    problems = []
    if (query.lat is None) != (query.lng is None):
        problems.append(FieldError("lat", "lat and lng go together"))
    if query.lat is not None and not -90 <= query.lat <= 90:
        problems.append(FieldError("lat", "lat must be between -90 and 90"))
    if query.lng is not None and not -180 <= query.lng <= 180:
        problems.append(FieldError("lng", "lng must be between -180 and 180"))
    if query.radius_km is not None and not 0 < query.radius_km <= MAX_RADIUS_KM:
        problems.append(FieldError("radius_km", f"radius_km must be between 0 and {MAX_RADIUS_KM}"))
    if query.sort_by == "distance" and query.lat is None:
        problems.append(FieldError("sort_by", "sorting by distance needs lat and lng"))
    if (
        query.min_price is not None
        and query.max_price is not None
        and query.min_price > query.max_price
    ):
        problems.append(FieldError("min_price", "min_price must not exceed max_price"))
    if query.min_rating is not None and not 0 <= query.min_rating <= 5:
        problems.append(FieldError("min_rating", "min_rating must be between 0 and 5"))
    if problems:
        raise ValidationFailed(errors=problems)


def _currency(query: SearchQuery) -> str:
    return (query.currency or runtime.get().settings.default_currency).upper()


def _price_bound(amount: Decimal, currency: str, name: str) -> int:
    try:
        return to_minor(amount, currency)
    except MoneyError as exc:
        raise ValidationFailed.single(name, str(exc)) from None


def build_match(query: SearchQuery, text_terms: list[str]) -> dict[str, Any]:
    match: dict[str, Any] = {"kind": {"$in": query.kinds}}
    clauses: list[dict[str, Any]] = [
        {"search_text": {"$regex": regex_escape(term)}} for term in text_terms
    ]
    if query.category_ids:
        match["category_ids"] = {"$in": [_oid(c, "category_id") for c in query.category_ids]}
    if query.category_names:
        match["category_keys"] = {"$in": [fold(name) for name in query.category_names]}
    if query.type_id:
        match["type_id"] = _oid(query.type_id, "type_id")
    if query.event_type_id:
        match["event_type_ids"] = _oid(query.event_type_id, "event_type_id")
    if query.skill:
        match["skills"] = fold(query.skill)
    if query.provider_kind:
        match["provider_kinds"] = query.provider_kind
    if query.provider_id:
        match["provider_id"] = _oid(query.provider_id, "provider_id")
    if query.district:
        match["district_key"] = fold(query.district)
    if query.location:
        place = regex_escape(fold(query.location))
        clauses.append(
            {"$or": [{"district_key": {"$regex": place}}, {"location_key": {"$regex": place}}]}
        )
    if query.min_price is not None or query.max_price is not None:
        currency = _currency(query)
        match["currency"] = currency
        if query.min_price is not None:
            match["price_max_minor"] = {
                "$gte": _price_bound(query.min_price, currency, "min_price")
            }
        if query.max_price is not None:
            match["price_min_minor"] = {
                "$lte": _price_bound(query.max_price, currency, "max_price")
            }
    if query.min_rating is not None:
        match["rating"] = {"$gte": query.min_rating}
    if query.verified is not None:
        match["verified"] = query.verified
    if query.available is not None:
        match["available"] = query.available
    if query.active_only:
        match["ends_at"] = {"$gte": clock.now()}
    if query.on_date is not None:
        clauses.append({"starts_at": {"$lte": query.on_date}})
        clauses.append({"ends_at": {"$gte": query.on_date}})
    if clauses:
        match["$and"] = clauses
    return match


def _relevance(query: SearchQuery, text_terms: list[str], located: bool) -> dict[str, Any]:
    parts: list[Any] = ["$base_score"]
    event_types = [
        ObjectId(e)
        for e in ([query.event_type_id] if query.event_type_id else [])
        + query.preferred_event_type_ids
        if ObjectId.is_valid(e)
    ]
    if event_types:
        parts.append(
            {
                "$cond": [
                    {
                        "$gt": [
                            {
                                "$size": {
                                    "$setIntersection": [
                                        {"$ifNull": ["$event_type_ids", []]},
                                        event_types,
                                    ]
                                }
                            },
                            0,
                        ]
                    },
                    W_EVENT_TYPE,
                    0,
                ]
            }
        )
    if located:
        parts.append(
            {
                "$switch": {
                    "branches": [
                        {"case": {"$lte": ["$distance_m", limit]}, "then": points}
                        for limit, points in PROXIMITY_TIERS
                    ],
                    "default": 0,
                }
            }
        )
    if text_terms:
        phrase = regex_escape(" ".join(text_terms))
        parts.append(
            {
                "$cond": [
                    {"$regexMatch": {"input": "$title_key", "regex": phrase}},
                    TEXT_TITLE_BOOST,
                    0,
                ]
            }
        )
    return {"$add": parts}


_SORTS: dict[str, list[tuple[str, int]]] = {
    "relevance": [("score", -1), ("ranking_score", -1)],
    "distance": [("distance_m", 1)],
    "rating": [("rating", -1), ("review_count", -1)],
    "reviews": [("review_count", -1), ("rating", -1)],
    "price_low": [("price_min_minor", 1)],
    "price_high": [("price_max_minor", -1)],
    "newest": [("source_created_at", -1)],
    "ranking": [("ranking_score", -1), ("access_count", -1)],
    "end_date": [("ends_at", 1)],
}


def _pipeline(
    query: SearchQuery, paging: PageParams, text_terms: list[str]
) -> list[dict[str, Any]]:
    match = build_match(query, text_terms)
    located = query.lat is not None and query.lng is not None
    stages: list[dict[str, Any]] = []
    if located:
        near: dict[str, Any] = {
            "near": {"type": "Point", "coordinates": [query.lng, query.lat]},
            "distanceField": "distance_m",
            "spherical": True,
            "key": "location",
            "query": match,
        }
        if query.radius_km is not None:
            near["maxDistance"] = query.radius_km * 1000
        stages.append({"$geoNear": near})
    else:
        stages.append({"$match": match})
    if query.sort_by == "relevance":
        stages.append({"$addFields": {"score": _relevance(query, text_terms, located)}})
    sort = dict([*_SORTS[query.sort_by], ("_id", 1)])
    facets: dict[str, list[dict[str, Any]]] = {
        "items": [{"$sort": sort}, {"$skip": paging.skip}, {"$limit": paging.limit}],
        "total": [{"$count": "n"}],
    }
    if query.facets:
        facets["locations"] = [
            {"$match": {"district": {"$exists": True}}},
            {"$group": {"_id": "$district", "count": {"$sum": 1}}},
            {"$sort": {"count": -1, "_id": 1}},
            {"$limit": 20},
        ]
        facets["categories"] = [
            {"$unwind": "$category_ids"},
            {"$group": {"_id": "$category_ids", "count": {"$sum": 1}}},
            {"$sort": {"count": -1, "_id": 1}},
            {"$limit": 50},
        ]
        facets["prices"] = [
            {"$match": {"currency": _currency(query), "price_min_minor": {"$exists": True}}},
            {
                "$group": {
                    "_id": None,
                    "min": {"$min": "$price_min_minor"},
                    "max": {"$max": "$price_max_minor"},
                }
            },
        ]
    stages.append({"$facet": facets})
    return stages


async def _run(query: SearchQuery, paging: PageParams, text_terms: list[str]) -> SearchResult:
    rows = (
        await Listing.get_motor_collection()
        .aggregate(_pipeline(query, paging, text_terms))
        .to_list(None)
    )
    result = rows[0] if rows else {"items": [], "total": []}
    total = result["total"][0]["n"] if result.get("total") else 0
    return SearchResult(items=result["items"], total=total, facets=_facets(query, result))


def _facets(query: SearchQuery, result: dict[str, Any]) -> dict[str, Any]:
    if not query.facets:
        return {}
    currency = _currency(query)
    prices = result.get("prices") or []
    price_range = None
    if prices and prices[0].get("min") is not None:
        price_range = {
            "min": format(from_minor(prices[0]["min"], currency), "f"),
            "max": format(from_minor(prices[0]["max"], currency), "f"),
            "currency": currency,
        }
    return {
        "locations": [{"name": row["_id"], "count": row["count"]} for row in result["locations"]],
        "categories": [
            {"id": str(row["_id"]), "count": row["count"]} for row in result["categories"]
        ],
        "price_range": price_range,
    }


async def search(query: SearchQuery, paging: PageParams) -> SearchResult:
    _validate(query)
    text_terms = words(query.q)
    result = await _run(query, paging, text_terms)
    if result.total == 0 and text_terms and query.fuzzy:
        corrected = await correct(text_terms)
        if corrected != text_terms:
            result = await _run(query, paging, corrected)
            result.corrected_query = " ".join(corrected)
    return result


async def correct(text_terms: list[str]) -> list[str]:
    """Replace unknown words by the closest indexed term (typo tolerance)."""
    fixed = []
    for term in text_terms:
        if await SearchTerm.find_one({"term": term, "frequency": {"$gt": 0}}):
            fixed.append(term)
            continue
        candidates = [
            row["term"]
            async for row in SearchTerm.get_motor_collection()
            .find(
                {"term": {"$regex": f"^{regex_escape(term[:1])}"}, "frequency": {"$gt": 0}},
                {"term": 1},
            )
            .sort("frequency", -1)
            .limit(5000)
        ]
        close = difflib.get_close_matches(term, candidates, n=1, cutoff=0.75)
        fixed.append(close[0] if close else term)
    return fixed


def _promotion_status(row: dict[str, Any], shown: str | None) -> str | None:
    """A card's status was right when it was indexed; dates decide it now."""
    starts, ends = row.get("starts_at"), row.get("ends_at")
    if shown not in ("scheduled", "active", "expired") or starts is None or ends is None:
        return shown
    now = clock.now()
    if as_utc(ends) <= now:
        return "expired"
    return "scheduled" if as_utc(starts) > now else "active"


def to_item(row: dict[str, Any], *, with_ranking: bool = False) -> dict[str, Any]:
    """A list item: the owning module's card plus what the search computed."""
    item = dict(row.get("card") or {})
    if row.get("kind") == "promotion":
        item["status"] = _promotion_status(row, item.get("status"))
    if "distance_m" in row:
        item["distance_km"] = round(row["distance_m"] / 1000, 2)
    if with_ranking:
        item["ranking_score"] = round(row.get("ranking_score", 0.0), 4)
        item["access_count"] = row.get("access_count", 0)
    return item
