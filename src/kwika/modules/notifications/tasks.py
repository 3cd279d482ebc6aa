"""Delivery actors: one per channel, each on its own queue, so a slow or failing provider
(an SMS gateway timing out) builds up its own backlog instead of delaying the others.

A delivery is claimed by an atomic status change, so a duplicate or retried message never
sends twice. Whatever goes wrong after the claim is recorded as a failed attempt: the
delivery goes back to ``pending`` and Dramatiq retries it with backoff, or it is ``failed``
for good; it is never left ``sending``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import dramatiq
from bson import ObjectId
from pymongo import ReturnDocument

from kwika.core import clock, runtime
from kwika.core.broker import enqueue, task
from kwika.integrations.base import DeliveryError, OutgoingMessage, Sender
from kwika.modules.notifications.constants import Channel
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


def _retry_when(retries: int, exc: BaseException) -> bool:
    # The stored attempt count decides when to give up (``_failed``), not Dramatiq's.
    return isinstance(exc, RetryDelivery)


RETRIES: dict[str, Any] = {
    "max_retries": MAX_ATTEMPTS - 1,
    "min_backoff": 2000,
    "max_backoff": 300_000,
    "retry_when": _retry_when,
}


def queue_of(channel: Channel) -> str:
    """The Dramatiq queue of a channel's deliveries (``notifications.sms``...)."""
    return f"notifications.{channel}"


@task("notifications.deliver_push", queue=queue_of("push"), **RETRIES)
async def deliver_push(delivery_id: str) -> None:
    await send_delivery(delivery_id)


@task("notifications.deliver_email", queue=queue_of("email"), **RETRIES)
async def deliver_email(delivery_id: str) -> None:
    await send_delivery(delivery_id)


@task("notifications.deliver_sms", queue=queue_of("sms"), **RETRIES)
async def deliver_sms(delivery_id: str) -> None:
    await send_delivery(delivery_id)


@task("notifications.deliver_whatsapp", queue=queue_of("whatsapp"), **RETRIES)
async def deliver_whatsapp(delivery_id: str) -> None:
    await send_delivery(delivery_id)


ACTORS: dict[str, dramatiq.Actor[[str], Any]] = {
    "push": deliver_push,
    "email": deliver_email,
    "sms": deliver_sms,
    "whatsapp": deliver_whatsapp,
}


def actor_for(channel: str) -> dramatiq.Actor[[str], Any]:
    return ACTORS[channel]


async def enqueue_delivery(delivery_id: ObjectId | str, channel: str) -> None:
    await enqueue(actor_for(channel), str(delivery_id))


@task("notifications.deliver")
async def deliver(delivery_id: str) -> None:
    """Hands a delivery to its channel's actor. Kept for messages queued before deliveries
    had one actor per channel (and for callers that do not know the channel)."""
    row = await Delivery.get_motor_collection().find_one(
        {"_id": ObjectId(delivery_id), "status": "pending"}, {"channel": 1}
    )
    if row is not None:
        await enqueue_delivery(delivery_id, row["channel"])


def _outgoing(delivery: Delivery) -> OutgoingMessage:
    return OutgoingMessage(
        channel=delivery.channel,
        to=delivery.to,
        subject=delivery.subject,
        body=delivery.body,
        html=delivery.html,
        template=delivery.template,
        data=delivery.data,
        headers=delivery.headers,
    )


async def send_delivery(delivery_id: str) -> None:
    """Claim a pending delivery, send it with its channel's adapter, record the outcome."""
    collection = Delivery.get_motor_collection()
    claimed = await collection.find_one_and_update(
        {"_id": ObjectId(delivery_id), "status": "pending"},
        {"$set": {"status": "sending", "claimed_at": clock.now()}, "$inc": {"attempts": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if claimed is None:
        return  # sent, failed, held, or being sent by another worker
    try:
        delivery = Delivery.model_validate(claimed)
    except ValueError as exc:
        # A stored document this code cannot read: no attempt can succeed.
        await collection.update_one(
            {"_id": claimed["_id"]},
            {"$set": {"status": "failed", "last_error": f"unreadable delivery: {exc}"[:1000]}},
        )
        log.error("delivery %s cannot be read: %s", delivery_id, exc)
        return
    try:
        sender: Sender = runtime.get().adapters[delivery.channel]
        provider_id = await sender.send(_outgoing(delivery))
    except DeliveryError as exc:
        failure = exc
    except Exception as exc:
        # A bug or a reply nobody planned for: counted as a failed attempt (retried with
        # backoff, failed after the last one) rather than leaving the delivery ``sending``.
        log.exception(
            "delivery %s: unexpected error from the %s adapter", delivery.id, delivery.channel
        )
        failure = DeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
    else:
        await _sent(delivery, provider_id)
        return
    await _failed(delivery, failure)
    if not (failure.permanent or delivery.attempts >= MAX_ATTEMPTS):
        raise RetryDelivery(str(failure)) from failure


async def _sent(delivery: Delivery, provider_id: str | None) -> None:
    update: dict[str, object] = {"status": "sent", "sent_at": clock.now()}
    if provider_id:
        update["provider_message_id"] = provider_id
    if delivery.sensitive:
        update.update({"body": REDACTED, "html": REDACTED})
    await Delivery.get_motor_collection().update_one({"_id": delivery.id}, {"$set": update})


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
    due = collection.find(
        {"status": "held", "not_before": {"$lte": now}}, {"_id": 1, "channel": 1}
    ).limit(SWEEP_BATCH)
    async for row in due:
        released = await collection.update_one(
            {"_id": row["_id"], "status": "held"}, {"$set": {"status": "pending"}}
        )
        if released.modified_count:
            await enqueue_delivery(row["_id"], row["channel"])
    stale = collection.find(
        {"status": "pending", "attempts": 0, "created_at": {"$lt": now - STALE_PENDING}},
        {"_id": 1, "channel": 1},
    ).limit(SWEEP_BATCH)
    async for row in stale:
        await enqueue_delivery(row["_id"], row["channel"])
