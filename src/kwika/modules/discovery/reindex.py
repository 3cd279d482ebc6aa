"""Rebuilding the read model from the owning modules (``kwika reindex``).

For repairs after manual database fixes or a release that changes what cards show: every
provider, company, service and promotion is read again through its module's public API;
listings nobody refreshed (their object is gone) are removed afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from bson import ObjectId

from kwika.core import clock
from kwika.modules import catalogue, providers
from kwika.modules.discovery import feeds
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
    started = clock.now()
    counts = {
        "providers": await _each(
            providers.all_provider_ids(), feeds.provider_changed, "providers", progress
        ),
        "companies": await _each(
            providers.all_company_ids(), feeds.company_changed, "companies", progress
        ),
        "services": await _each(catalogue.all_service_ids(), _service, "services", progress),
        "promotions": await _each(
            catalogue.all_promotion_ids(), feeds.promotion_changed, "promotions", progress
        ),
    }
    stale = await Listing.get_motor_collection().delete_many({"indexed_at": {"$lt": started}})
    counts["removed"] = stale.deleted_count
    return counts


async def _service(service_id: ObjectId) -> None:
    await feeds.service_changed(service_id)
