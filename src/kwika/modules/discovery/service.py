"""Discovery use cases behind the HTTP routes."""

from __future__ import annotations

import contextlib
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core.cache import all_stats
from kwika.core.ids import parse_id
from kwika.core.pagination import PageParams
from kwika.modules.discovery import suggest
from kwika.modules.discovery.documents import Listing, ListingKind, SavedListing
from kwika.modules.discovery.exceptions import ListingNotFound
from kwika.modules.discovery.schemas import (
    CacheStatsOut,
    FiltersOut,
    PopularSearchOut,
    SavedOut,
    SearchPage,
    SuggestionOut,
)
from kwika.modules.discovery.search import SearchQuery, search, to_item

LABELS: dict[str, str] = {
    "service": "Service",
    "experience": "Experience",
    "provider": "Provider",
    "company": "Company",
    "promotion": "Promotion",
}


async def find(
    query: SearchQuery,
    paging: PageParams,
    *,
    with_ranking: bool = False,
    searcher: str | None = None,
) -> SearchPage:
    """One page of results. With ``searcher`` (who searched) a query that found something
    counts towards popular searches, as corrected when typo tolerance corrected it: only
    what leads somewhere is worth suggesting to others."""
    result = await search(query, paging)
    if searcher is not None and result.total:
        await suggest.record_search(result.corrected_query or query.q, searcher)
    return SearchPage(
        items=[
            to_item(row, with_ranking=with_ranking, currency=query.currency) for row in result.items
        ],
        pagination=paging.meta(result.total),
        filters=FiltersOut(**result.facets) if result.facets else None,
        corrected_query=result.corrected_query,
    )


async def featured(kind: ListingKind, paging: PageParams) -> SearchPage:
    query = SearchQuery(kinds=[kind], sort_by="ranking", facets=False)
    return await find(query, paging, with_ranking=True)


async def suggestions(prefix: str, kinds: list[ListingKind], limit: int) -> list[SuggestionOut]:
    return [SuggestionOut(**row) for row in await suggest.suggest(prefix, kinds, limit)]


async def popular(limit: int) -> list[PopularSearchOut]:
    return [PopularSearchOut(**row) for row in await suggest.popular(limit)]


async def _listing(kind: ListingKind, ref_id: str) -> Listing:
    listing = await Listing.find_one({"kind": kind, "ref_id": parse_id(ref_id, LABELS[kind])})
    if listing is None:
        raise ListingNotFound(LABELS[kind])
    return listing


async def toggle_saved(user_id: ObjectId, kind: ListingKind, ref_id: str) -> SavedOut:
    listing = await _listing(kind, ref_id)
    key = {"user_id": user_id, "kind": kind, "ref_id": listing.ref_id}
    removed = await SavedListing.get_motor_collection().delete_one(key)
    if removed.deleted_count:
        return SavedOut(saved=False)
    # Saved twice at once: it is saved either way.
    with contextlib.suppress(DuplicateKeyError):
        await SavedListing(**key).insert()
    return SavedOut(saved=True)


async def saved(user_id: ObjectId, kind: ListingKind, paging: PageParams) -> SearchPage:
    query = {"user_id": user_id, "kind": kind}
    total = await SavedListing.find(query).count()
    rows = (
        await SavedListing.find(query)
        .sort("-created_at")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    cards = {
        listing["ref_id"]: to_item(listing)
        async for listing in Listing.get_motor_collection().find(
            {"kind": kind, "ref_id": {"$in": [r.ref_id for r in rows]}}
        )
    }
    items: list[dict[str, Any]] = [
        {**cards[row.ref_id], "saved_at": row.created_at.isoformat().replace("+00:00", "Z")}
        for row in rows
        if row.ref_id in cards
    ]
    return SearchPage(items=items, pagination=paging.meta(total))


async def cache_stats() -> list[CacheStatsOut]:
    return [
        CacheStatsOut(namespace=s.namespace, hits=s.hits, misses=s.misses, hit_ratio=s.hit_ratio)
        for s in await all_stats()
    ]
