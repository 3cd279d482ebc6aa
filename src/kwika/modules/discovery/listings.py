"""Keeping the read model in step with the modules that own the objects."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bson import ObjectId
from pydantic import BaseModel, Field

from kwika.core import clock, runtime
from kwika.core.money import MoneyError, exponent
from kwika.modules.discovery.documents import (
    GeoPoint,
    Listing,
    ListingKind,
    ListingProvider,
    SavedListing,
    SearchTerm,
)
from kwika.modules.discovery.ranking import static_rank
from kwika.modules.discovery.text import fold, terms

# Relevance weights of seed 003's 2026-02-19 addendum (points out of 100).
W_RATING, W_SOCIAL, W_EVENT_TYPE, W_PROXIMITY, W_VERIFIED, W_COMPLETE = 25, 20, 20, 15, 10, 10
SOCIAL_PROOF_SATURATION = 200  # reviews at which social proof is full (relevance)


class ListingIn(BaseModel):
    """What an owning module tells discovery about one public object."""

    kind: ListingKind
    ref_id: str
    owner_id: str | None = None
    provider_id: str | None = None
    provider: ListingProvider | None = None
    title: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    category_ids: list[str] = Field(default_factory=list)
    # Display names of (some of) category_ids, for the categories facet.
    category_labels: dict[str, str] = Field(default_factory=dict)
    category_names: list[str] = Field(default_factory=list)
    type_id: str | None = None
    type_name: str | None = None
    event_type_ids: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    provider_kinds: list[str] = Field(default_factory=list)
    district: str | None = None
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    price_min_minor: int | None = None
    price_max_minor: int | None = None
    currency: str | None = None
    rating: float = 0.0
    review_count: int = 0
    verified: bool = False
    available: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    completeness: float = Field(default=0.0, ge=0, le=1)
    created_at: datetime
    card: dict[str, Any] = Field(default_factory=dict)


def price_factor(currency: str | None) -> float | None:
    """Multiplier from minor units of ``currency`` to minor units of the default currency
    (``KWIKA_CURRENCY_RATES``), or None when no rate is known. Listings store their price
    times this factor and searches scale their bounds by the same factor, so prices in
    the searched currency compare exactly and other currencies compare at the rate."""
    if not currency:
        return None
    settings = runtime.get().settings
    rate = settings.currency_rate(currency)
    if rate is None:
        return None
    try:
        places = exponent(settings.default_currency) - exponent(currency.upper())
    except MoneyError:
        return None
    return float(rate.scaleb(places))


def _normalised(minor: int | None, factor: float | None) -> float | None:
    return None if minor is None or factor is None else minor * factor


def base_score(rating: float, reviews: int, verified: bool, completeness: float) -> float:
    """The part of relevance that does not depend on the query (out of 65)."""
    social = min(1.0, math.log10(1 + reviews) / math.log10(1 + SOCIAL_PROOF_SATURATION))
    return round(
        W_RATING * max(0.0, min(rating, 5.0)) / 5
        + W_SOCIAL * social
        + W_VERIFIED * (1 if verified else 0)
        + W_COMPLETE * completeness,
        4,
    )


def _content(data: ListingIn) -> dict[str, Any]:
    location = None
    if data.latitude is not None and data.longitude is not None:
        location = GeoPoint(coordinates=[data.longitude, data.latitude]).model_dump()
    return {
        "owner_id": ObjectId(data.owner_id) if data.owner_id else None,
        "provider_id": ObjectId(data.provider_id) if data.provider_id else None,
        "provider": data.provider.model_dump() if data.provider else None,
        "title": data.title,
        "title_key": fold(data.title),
        "search_text": fold(
            " ".join(
                [
                    data.title,
                    data.description,
                    *data.tags,
                    *data.category_names,
                    data.type_name or "",
                    *data.skills,
                    data.district or "",
                    data.location_text or "",
                ]
            )
        ),
        "terms": terms(
            data.title,
            data.description,
            *data.tags,
            *data.category_names,
            data.type_name,
            *data.skills,
            data.district,
        ),
        "category_ids": [ObjectId(c) for c in data.category_ids],
        "categories": [
            {"id": ObjectId(c), "name": data.category_labels.get(c)} for c in data.category_ids
        ],
        "category_keys": [fold(name) for name in data.category_names],
        "type_id": ObjectId(data.type_id) if data.type_id else None,
        "event_type_ids": [ObjectId(e) for e in data.event_type_ids],
        "skills": [fold(s) for s in data.skills],
        "provider_kinds": data.provider_kinds,
        "district": data.district,
        "district_key": fold(data.district) or None,
        "location_text": data.location_text,
        "location_key": fold(data.location_text) or None,
        "location": location,
        "price_min_minor": data.price_min_minor,
        # A single price is a range of one: price filters then test overlap uniformly.
        "price_max_minor": data.price_max_minor
        if data.price_max_minor is not None
        else data.price_min_minor,
        "currency": data.currency,
        # The price range in the default currency: one indexed range filter (and one sort)
        # serves searches in every currency.
        "price_min_norm": _normalised(data.price_min_minor, price_factor(data.currency)),
        "price_max_norm": _normalised(
            data.price_max_minor if data.price_max_minor is not None else data.price_min_minor,
            price_factor(data.currency),
        ),
        "rating": data.rating,
        "review_count": data.review_count,
        "verified": data.verified,
        "available": data.available,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "completeness": data.completeness,
        "base_score": base_score(data.rating, data.review_count, data.verified, data.completeness),
        "static_rank": static_rank(
            data.rating, data.review_count, data.verified, data.completeness
        ),
        "source_created_at": data.created_at,
        "indexed_at": clock.now(),
        "card": data.card,
    }


async def upsert(data: ListingIn) -> None:
    """Create or refresh a listing; its views and ranking survive the refresh."""
    key = {"kind": data.kind, "ref_id": ObjectId(data.ref_id)}
    collection = Listing.get_motor_collection()
    previous = await collection.find_one(key, {"terms": 1, "view_rank": 1})
    content = _content(data)
    view_part = previous.get("view_rank", 0.0) if previous else 0.0
    content["ranking_score"] = round(content["static_rank"] + view_part, 4)
    await collection.update_one(
        key,
        {
            "$set": {k: v for k, v in content.items() if v is not None},
            "$unset": {k: "" for k, v in content.items() if v is None},
            "$setOnInsert": {"access_count": 0, "views_decayed": 0.0, "view_rank": 0.0},
        },
        upsert=True,
    )
    await _count_terms(previous.get("terms", []) if previous else [], content["terms"])


async def remove(kind: ListingKind, ref_id: str | ObjectId) -> None:
    key = {"kind": kind, "ref_id": ObjectId(ref_id)}
    previous = await Listing.get_motor_collection().find_one_and_delete(
        key, projection={"terms": 1}
    )
    if previous is not None:
        await _count_terms(previous.get("terms", []), [])
    await SavedListing.get_motor_collection().delete_many(key)


async def _count_terms(before: list[str], after: list[str]) -> None:
    # Terms already counted are bumped in one update_many (a write used to cost one call per
    # term); new ones are upserted one by one, since mongomock's bulk_write does not accept
    # pymongo 4.20's operations.
    collection = SearchTerm.get_motor_collection()
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    if added:
        known = {
            row["term"]
            async for row in collection.find({"term": {"$in": added}}, {"term": 1, "_id": 0})
        }
        if known:
            await collection.update_many(
                {"term": {"$in": sorted(known)}}, {"$inc": {"frequency": 1}}
            )
        for term in added:
            if term not in known:
                await collection.update_one({"term": term}, {"$inc": {"frequency": 1}}, upsert=True)
    if removed:
        await collection.update_many(
            {"term": {"$in": removed}, "frequency": {"$gt": 0}}, {"$inc": {"frequency": -1}}
        )


# Listings whose cards show their provider (seed 003 9.1 `provider`).
OFFERED_KINDS: list[ListingKind] = ["service", "experience", "company"]


async def set_provider(provider_id: str | ObjectId, provider: ListingProvider | None) -> None:
    """Refresh the provider shown on the cards of everything they offer."""
    key = {"kind": {"$in": OFFERED_KINDS}, "provider_id": ObjectId(provider_id)}
    change = (
        {"$set": {"provider": provider.model_dump()}} if provider else {"$unset": {"provider": ""}}
    )
    await Listing.get_motor_collection().update_many(key, change)


async def category_ids_of(kind: ListingKind, ref_id: str | ObjectId) -> list[str] | None:
    """A listing's categories as stored (ids as strings); None when there is no listing."""
    found = await Listing.get_motor_collection().find_one(
        {"kind": kind, "ref_id": ObjectId(ref_id)}, {"category_ids": 1}
    )
    if found is None:
        return None
    return [str(category) for category in found.get("category_ids") or []]


async def get(kind: ListingKind, ref_id: str | ObjectId) -> Listing | None:
    return await Listing.find_one({"kind": kind, "ref_id": ObjectId(ref_id)})
