"""Rebuilding the read model from the owning modules (``kwika reindex``).

For repairs after manual database fixes or a release that changes what cards show: every
object of every declared listing kind (``ModuleSpec.listing_kinds``: providers, companies,
services, promotions, and what other modules declare) is read again through its owner;
listings nobody refreshed (their object is gone) are removed afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from bson import ObjectId

from kwika.core import clock
from kwika.core.module import listing_kinds
from kwika.modules.discovery.documents import Listing

Progress = Callable[[str, int], None]


async def _each(
    ids: AsyncIterator[ObjectId],
    refresh: Callable[[ObjectId], Awaitable[None]],
    label: str,
    progress: Progress,
) -> int:
    done = 0
    async for object_id in ids:
        await refresh(object_id)
        done += 1
        progress(label, done)
    return done


async def reindex(progress: Progress = lambda *_: None) -> dict[str, int]:
    """Refresh every listing of every declared kind that lists its objects
    (``ListingKindDecl.ids``); counts by the kind's label."""
    started = clock.now()
    counts: dict[str, int] = {}
    for declared in listing_kinds:
        if declared.ids is None or declared.refresh is None:
            continue  # fed by another kind's refresh (experiences are services)
        label = declared.label or f"{declared.name}s"
        counts[label] = await _each(declared.ids(), declared.refresh, label, progress)
    stale = await Listing.get_motor_collection().delete_many({"indexed_at": {"$lt": started}})
    counts["removed"] = stale.deleted_count
    return counts
