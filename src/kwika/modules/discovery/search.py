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
from kwika.core.money import MAX_AMOUNT, MoneyError, exponent, from_minor, to_minor
from kwika.core.pagination import PageParams
from kwika.modules.discovery.documents import Listing, ListingKind, SearchTerm
from kwika.modules.discovery.listings import OFFERED_KINDS, W_EVENT_TYPE, price_factor
from kwika.modules.discovery.text import MIN_TERM_LENGTH, fold, regex_escape, words

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
# Seed 003 9.1: services searched near a point stay within 50 km unless radius_km says.
DEFAULT_SERVICE_RADIUS_KM = 50.0
# Typo tolerance: only the first words of a query, of a sensible length, are corrected,
# each against the most frequent indexed terms with the same first letter and a length
# that could reach the similarity cut-off (so a query costs at most a few small reads).
MAX_CORRECTED_WORDS = 5
MAX_CORRECTED_LENGTH = 30
MAX_CORRECTION_CANDIDATES = 1000
CORRECTION_CUTOFF = 0.75
# Listings with a price of their own (converted_price is added to their items).
PRICED_KINDS = ("service", "experience", "promotion")


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
    # Used when lat/lng come without radius_km (None: no cut-off, every located listing).
    default_radius_km: float | None = None
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


def _location_problems(query: SearchQuery) -> list[FieldError]:
    problems = []
    has_lat, has_lng = query.lat is not None, query.lng is not None
    if has_lat and not has_lng:
        problems.append(FieldError("lng", "lng is required with lat"))
    if has_lng and not has_lat:
        problems.append(FieldError("lat", "lat is required with lng"))
    if query.radius_km is not None and not has_lat and not has_lng:
        problems.append(FieldError("lat", "radius_km needs lat and lng"))
        problems.append(FieldError("lng", "radius_km needs lat and lng"))
    # Written so that NaN fails too (every comparison with NaN is false).
    if has_lat and not -90 <= query.lat <= 90:  # type: ignore[operator]
        problems.append(FieldError("lat", "lat must be a number between -90 and 90"))
    if has_lng and not -180 <= query.lng <= 180:  # type: ignore[operator]
        problems.append(FieldError("lng", "lng must be a number between -180 and 180"))
    if query.radius_km is not None and not 0 < query.radius_km <= MAX_RADIUS_KM:
        problems.append(
            FieldError("radius_km", f"radius_km must be more than 0 and at most {MAX_RADIUS_KM}")
        )
    if query.sort_by == "distance" and not (has_lat and has_lng):
        problems.append(FieldError("sort_by", "sorting by distance needs lat and lng"))
    return problems


def _amount_problem(amount: Decimal | None, currency: str | None, name: str) -> str | None:
    """Why a price bound cannot be used, if it cannot (checked before any conversion)."""
    if amount is None:
        return None
    if not amount.is_finite():
        return f"{name} must be a finite number"
    if amount < 0:
        return f"{name} must not be negative"
    if amount > MAX_AMOUNT:
        return f"{name} must be at most {MAX_AMOUNT}"
    if currency is not None:
        try:
            to_minor(amount, currency)
        except MoneyError as exc:
            return str(exc)
    return None


def _price_problems(query: SearchQuery) -> list[FieldError]:
    problems = []
    currency: str | None = _currency(query)
    try:
        exponent(currency)  # type: ignore[arg-type]
    except MoneyError:
        problems.append(FieldError("currency", f"Unsupported currency {currency}"))
        currency = None
    bad = {}
    for name, amount in (("min_price", query.min_price), ("max_price", query.max_price)):
        bad[name] = _amount_problem(amount, currency, name)
        if bad[name]:
            problems.append(FieldError(name, bad[name]))  # type: ignore[arg-type]
    if (
        query.min_price is not None
        and query.max_price is not None
        and not any(bad.values())
        and query.min_price > query.max_price
    ):
        problems.append(FieldError("min_price", "min_price must not exceed max_price"))
    return problems


def _validate(query: SearchQuery) -> None:
    problems = [*_location_problems(query), *_price_problems(query)]
    if query.min_rating is not None and not 0 <= query.min_rating <= 5:
        problems.append(FieldError("min_rating", "min_rating must be a number between 0 and 5"))
    if problems:
        raise ValidationFailed(errors=problems)


def _currency(query: SearchQuery) -> str:
    return (query.currency or runtime.get().settings.default_currency).upper()


def _price_bound(amount: Decimal, currency: str) -> int:
    return to_minor(amount, currency)  # checked by _validate


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
        factor = price_factor(currency)
        if factor is None:  # no rate for it: only listings priced in that currency compare
            match["currency"] = currency
            low, high, scale = "price_min_minor", "price_max_minor", 1.0
        else:  # every currency with a rate, through the price in the default currency
            low, high, scale = "price_min_norm", "price_max_norm", factor
        if query.min_price is not None:
            match[high] = {"$gte": _price_bound(query.min_price, currency) * scale}
        if query.max_price is not None:
            match[low] = {"$lte": _price_bound(query.max_price, currency) * scale}
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
    # In the default currency, so prices in different currencies sort together.
    "price_low": [("price_min_norm", 1), ("price_min_minor", 1)],
    "price_high": [("price_max_norm", -1), ("price_max_minor", -1)],
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
        radius_km = query.radius_km if query.radius_km is not None else query.default_radius_km
        if radius_km is not None:
            near["maxDistance"] = radius_km * 1000
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
        # Grouped on the folded key so "Nairobi" and "nairobi" count as one place.
        facets["locations"] = [
            {"$match": {"district_key": {"$exists": True}}},
            {
                "$group": {
                    "_id": "$district_key",
                    "name": {"$min": "$district"},
                    "count": {"$sum": 1},
                }
            },
            {"$sort": {"count": -1, "_id": 1}},
            {"$limit": 20},
        ]
        facets["categories"] = [
            {"$unwind": "$categories"},
            {
                "$group": {
                    "_id": "$categories.id",
                    "name": {"$max": "$categories.name"},
                    "count": {"$sum": 1},
                }
            },
            {"$sort": {"count": -1, "_id": 1}},
            {"$limit": 50},
        ]
        currency = _currency(query)
        if price_factor(currency) is None:
            priced, low, high = {"currency": currency}, "price_min_minor", "price_max_minor"
        else:
            priced, low, high = {}, "price_min_norm", "price_max_norm"
        facets["prices"] = [
            {"$match": {**priced, low: {"$exists": True}}},
            {"$group": {"_id": None, "min": {"$min": f"${low}"}, "max": {"$max": f"${high}"}}},
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
        factor = price_factor(currency) or 1.0
        price_range = {
            "min": format(from_minor(round(prices[0]["min"] / factor), currency), "f"),
            "max": format(from_minor(round(prices[0]["max"] / factor), currency), "f"),
            "currency": currency,
        }
    return {
        "locations": [{"name": row["name"], "count": row["count"]} for row in result["locations"]],
        "categories": [
            {"id": str(row["_id"]), "name": row.get("name"), "count": row["count"]}
            for row in result["categories"]
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
            retried = await _run(query, paging, corrected)
            if retried.total:  # a correction that finds nothing is not worth showing
                retried.corrected_query = " ".join(corrected)
                return retried
    return result


def _correctable(term: str) -> bool:
    # Words shorter than the indexed terms are never in the vocabulary; very long ones
    # are rarely typos and cost the most to compare.
    return MIN_TERM_LENGTH <= len(term) <= MAX_CORRECTED_LENGTH


async def correct(text_terms: list[str]) -> list[str]:
    """Replace unknown words by the closest indexed term (typo tolerance): only the first
    ``MAX_CORRECTED_WORDS`` words are looked at; the others are kept as typed."""
    fixed = list(text_terms)
    for index, term in enumerate(text_terms[:MAX_CORRECTED_WORDS]):
        if _correctable(term):
            fixed[index] = await _closest(term)
    return fixed


async def _closest(term: str) -> str:
    if await SearchTerm.find_one({"term": term, "frequency": {"$gt": 0}}):
        return term
    # difflib's ratio 2·M/(a+b) reaches the cut-off only if the shorter word is at least
    # cutoff/(2-cutoff) of the longer one: other lengths cannot match.
    shortest = max(MIN_TERM_LENGTH, int(len(term) * CORRECTION_CUTOFF / (2 - CORRECTION_CUTOFF)))
    longest = int(len(term) * (2 - CORRECTION_CUTOFF) / CORRECTION_CUTOFF) + 1
    pattern = f"^{regex_escape(term[:1])}.{{{shortest - 1},{longest - 1}}}$"
    candidates = [
        row["term"]
        async for row in SearchTerm.get_motor_collection()
        .find({"term": {"$regex": pattern}, "frequency": {"$gt": 0}}, {"term": 1})
        .sort("frequency", -1)
        .limit(MAX_CORRECTION_CANDIDATES)
    ]
    close = difflib.get_close_matches(term, candidates, n=1, cutoff=CORRECTION_CUTOFF)
    return close[0] if close else term


def _promotion_status(row: dict[str, Any], shown: str | None) -> str | None:
    """A card's status was right when it was indexed; dates decide it now."""
    starts, ends = row.get("starts_at"), row.get("ends_at")
    if shown not in ("scheduled", "active", "expired") or starts is None or ends is None:
        return shown
    now = clock.now()
    if as_utc(ends) <= now:
        return "expired"
    return "scheduled" if as_utc(starts) > now else "active"


def converted_price(row: dict[str, Any], currency: str) -> dict[str, str] | None:
    """A listing's price range in ``currency``: its own amounts when it is priced in it,
    else converted at ``KWIKA_CURRENCY_RATES`` (None without a price or a rate)."""
    currency = currency.upper()
    if row.get("price_min_minor") is None:
        return None
    if row.get("currency") == currency:
        low, high = row["price_min_minor"], row.get("price_max_minor", row["price_min_minor"])
    else:
        factor = price_factor(currency)
        if factor is None or row.get("price_min_norm") is None:
            return None
        low = round(row["price_min_norm"] / factor)
        high = round(row.get("price_max_norm", row["price_min_norm"]) / factor)
    return {
        "min": format(from_minor(low, currency), "f"),
        "max": format(from_minor(high, currency), "f"),
        "currency": currency,
    }


def to_item(
    row: dict[str, Any], *, with_ranking: bool = False, currency: str | None = None
) -> dict[str, Any]:
    """A list item: the owning module's card plus what the search computed: `type` (the
    listing kind), `verified`, `distance_km` (None without lat/lng), for what a provider
    offers `provider`, and with ``currency`` `converted_price` (the card keeps its own)."""
    item = dict(row.get("card") or {})
    kind = row.get("kind")
    item["type"] = kind
    if kind == "promotion":
        item["status"] = _promotion_status(row, item.get("status"))
    if kind in OFFERED_KINDS:
        item["provider"] = row.get("provider")
    item["verified"] = bool(row.get("verified", False))
    distance = row.get("distance_m")
    item["distance_km"] = round(distance / 1000, 2) if distance is not None else None
    if currency is not None and kind in PRICED_KINDS:
        item["converted_price"] = converted_price(row, currency)
    if with_ranking:
        item["ranking_score"] = round(row.get("ranking_score", 0.0), 4)
        item["access_count"] = row.get("access_count", 0)
    return item
