from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core import clock

# draft: created by a request that has not succeeded yet; never sent unless it does.
DeliveryStatus = Literal["draft", "pending", "held", "sending", "sent", "failed", "unknown"]

NOTIFICATION_RETENTION_SECONDS = 365 * 86400
DELIVERY_RETENTION_SECONDS = 90 * 86400


class Notification(Document):
    """One in-app notification of one user (seed 003 12.1)."""

    user_id: PydanticObjectId
    type: str
    title: str
    message: str
    data: dict[str, Any] = Field(default_factory=dict)
    reference_id: str | None = None
    reference_type: str | None = None
    actor_id: PydanticObjectId | None = None
    action_url: str | None = None
    action_text: str | None = None
    image_url: str | None = None
    is_read: bool = False
    read_at: datetime | None = None
    # Channels a delivery was created on (push, email, ...), for support and tests.
    channels: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "notifications"
        keep_nulls = False
        indexes = [
            IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel(
                [("user_id", ASCENDING), ("is_read", ASCENDING), ("created_at", DESCENDING)]
            ),
            IndexModel([("user_id", ASCENDING), ("type", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel(
                [("created_at", ASCENDING)],
                name="notifications_ttl",
                expireAfterSeconds=NOTIFICATION_RETENTION_SECONDS,
            ),
        ]


class Delivery(Document):
    """One message on one channel to one address. Its status makes delivery at-most-once:
    an actor sends only after moving it from ``pending`` to ``sending`` atomically."""

    channel: str
    to: str
    template: str
    subject: str | None = None
    body: str
    html: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    user_id: PydanticObjectId | None = None
    # Set for deliveries of a notification; "<notification>:<channel>:<address>" is unique,
    # so planning the same notification twice cannot create a second delivery.
    notification_id: PydanticObjectId | None = None
    dedupe_key: str | None = None
    sensitive: bool = False
    # Security messages are never held back by quiet hours.
    security: bool = False
    status: DeliveryStatus = "pending"
    # Held by quiet hours until then; the sweeper releases it.
    not_before: datetime | None = None
    attempts: int = 0
    provider_message_id: str | None = None
    last_error: str | None = None
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "deliveries"
        keep_nulls = False
        indexes = [
            IndexModel([("status", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("not_before", ASCENDING)]),
            IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("notification_id", ASCENDING)], sparse=True),
            IndexModel([("dedupe_key", ASCENDING)], unique=True, sparse=True),
            IndexModel(
                [("created_at", ASCENDING)],
                name="deliveries_ttl",
                expireAfterSeconds=DELIVERY_RETENTION_SECONDS,
            ),
        ]


class NotificationPreferences(Document):
    """What a user changed from the defaults, as a nested document
    (``{"email": {"messages": false}, "quiet_hours": {...}}``). Defaults are merged in on
    read, so categories added later get their default for everyone."""

    user_id: PydanticObjectId
    overrides: dict[str, Any] = Field(default_factory=dict)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "notification_preferences"
        keep_nulls = False
        indexes = [IndexModel([("user_id", ASCENDING)], unique=True)]


class PushDevice(Document):
    """A push registration token (FCM) of one app installation."""

    token: str
    user_id: PydanticObjectId
    platform: Literal["android", "ios", "web"]
    device_id: str | None = None
    app_version: str | None = None
    created_at: datetime = Field(default_factory=clock.now)
    last_seen_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "push_devices"
        keep_nulls = False
        indexes = [
            IndexModel([("token", ASCENDING)], unique=True),
            IndexModel([("user_id", ASCENDING), ("last_seen_at", DESCENDING)]),
        ]
