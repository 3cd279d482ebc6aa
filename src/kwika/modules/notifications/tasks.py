"""Delivery actors. A delivery is claimed by an atomic status change, so a duplicate or
retried message never sends twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from bson import ObjectId
from pymongo import ReturnDocument

from kwika.core import clock, runtime
from kwika.core.broker import enqueue, task
from kwika.integrations.base import DeliveryError, OutgoingMessage
from kwika.modules.notifications.documents import Delivery, PushDevice

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
REDACTED = "[redacted]"
STALE_PENDING = timedelta(minutes=2)
STUCK_SENDING = timedelta(minutes=10)
SWEEP_BATCH = 500
ABANDONED_DRAFT = timedelta(days=1)


class RetryDelivery(Exception):
    """Raised so Dramatiq retries with backoff."""


@task(
    "notifications.deliver",
    max_retries=MAX_ATTEMPTS - 1,
    min_backoff=2000,
    max_backoff=300_000,
    retry_when=lambda retries, exc: isinstance(exc, RetryDelivery),
)
async def deliver(delivery_id: str) -> None:
    collection = Delivery.get_motor_collection()
    claimed = await collection.find_one_and_update(
        {"_id": ObjectId(delivery_id), "status": "pending"},
        {"$set": {"status": "sending", "claimed_at": clock.now()}, "$inc": {"attempts": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if claimed is None:
        return  # sent, failed, held, or being sent by another worker
    delivery = Delivery.model_validate(claimed)
    adapter = runtime.get().adapters[delivery.channel]
    message = OutgoingMessage(
        channel=delivery.channel,
        to=delivery.to,
        subject=delivery.subject,
        body=delivery.body,
        html=delivery.html,
        template=delivery.template,
        data=delivery.data,
        headers=delivery.headers,
    )
    try:
        provider_id = await adapter.send(message)
    except DeliveryError as exc:
        await _failed(delivery, exc)
        if not (exc.permanent or delivery.attempts >= MAX_ATTEMPTS):
            raise RetryDelivery(str(exc)) from exc
        return
    update: dict[str, object] = {"status": "sent", "sent_at": clock.now()}
    if provider_id:
        update["provider_message_id"] = provider_id
    if delivery.sensitive:
        update.update({"body": REDACTED, "html": REDACTED})
    await collection.update_one({"_id": delivery.id}, {"$set": update})


async def _failed(delivery: Delivery, exc: DeliveryError) -> None:
    final = exc.permanent or delivery.attempts >= MAX_ATTEMPTS
    await Delivery.get_motor_collection().update_one(
        {"_id": delivery.id},
        {"$set": {"status": "failed" if final else "pending", "last_error": str(exc)[:1000]}},
    )
    if exc.invalid_address and delivery.channel == "push":
        # FCM says the app was uninstalled or the token rotated: stop using it.
        await PushDevice.get_motor_collection().delete_one({"token": delivery.to})
    log.warning("delivery %s failed (%s)", delivery.id, exc)


@task("notifications.sweep_deliveries")
async def sweep_deliveries() -> None:
    """Release deliveries whose quiet hours ended; re-send those whose message was lost
    before any attempt (retries belong to Dramatiq); never resend one whose outcome is
    unknown."""
    now = clock.now()
    collection = Delivery.get_motor_collection()
    await collection.delete_many({"status": "draft", "created_at": {"$lt": now - ABANDONED_DRAFT}})
    await collection.update_many(
        {"status": "sending", "claimed_at": {"$lt": now - STUCK_SENDING}},
        {"$set": {"status": "unknown", "last_error": "worker stopped while sending"}},
    )
    due = collection.find({"status": "held", "not_before": {"$lte": now}}, {"_id": 1}).limit(
        SWEEP_BATCH
    )
    async for row in due:
        released = await collection.update_one(
            {"_id": row["_id"], "status": "held"}, {"$set": {"status": "pending"}}
        )
        if released.modified_count:
            await enqueue(deliver, str(row["_id"]))
    stale = collection.find(
        {"status": "pending", "attempts": 0, "created_at": {"$lt": now - STALE_PENDING}},
        {"_id": 1},
    ).limit(SWEEP_BATCH)
    async for row in stale:
        await enqueue(deliver, str(row["_id"]))
