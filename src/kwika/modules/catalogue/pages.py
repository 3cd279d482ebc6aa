"""Public pages of services, experiences and promotions: cached in Redis (``core.cache``),
invalidated before every change is announced."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.cache import Cache
from kwika.modules.catalogue import signals
from kwika.modules.catalogue.constants import ServiceKind

SERVICE_PAGES = Cache("public:service")
PROMOTION_PAGES = Cache("public:promotion")


async def service_changed(service_id: ObjectId) -> None:
    await SERVICE_PAGES.invalidate(str(service_id))
    await signals.service_changed.send(service_id=service_id)


async def service_removed(service_id: ObjectId, kind: ServiceKind) -> None:
    await SERVICE_PAGES.invalidate(str(service_id))
    await signals.service_removed.send(service_id=service_id, kind=kind)


async def promotion_changed(promotion_id: ObjectId) -> None:
    await PROMOTION_PAGES.invalidate(str(promotion_id))
    await signals.promotion_changed.send(promotion_id=promotion_id)


async def promotion_removed(promotion_id: ObjectId) -> None:
    await PROMOTION_PAGES.invalidate(str(promotion_id))
    await signals.promotion_removed.send(promotion_id=promotion_id)
