"""Public pages of providers and companies: cached in Redis (``core.cache``), invalidated
before every change is announced, so the next read anywhere (a client, discovery's feed)
sees the change."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.cache import Cache
from kwika.modules.providers import signals

PROVIDER_PAGES = Cache("public:provider")
COMPANY_PAGES = Cache("public:company")


async def provider_changed(provider_id: ObjectId) -> None:
    await PROVIDER_PAGES.invalidate(str(provider_id))
    await signals.provider_changed.send(provider_id=provider_id)


async def provider_removed(provider_id: ObjectId) -> None:
    await PROVIDER_PAGES.invalidate(str(provider_id))
    await signals.provider_removed.send(provider_id=provider_id)


async def company_changed(company_id: ObjectId) -> None:
    await COMPANY_PAGES.invalidate(str(company_id))
    await signals.company_changed.send(company_id=company_id)


async def company_deleted(company_id: ObjectId, owner_id: ObjectId) -> None:
    await COMPANY_PAGES.invalidate(str(company_id))
    await signals.company_deleted.send(company_id=company_id, owner_id=owner_id)
