from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from kwika.core import clock

# draft: created by a request that has not succeeded yet; never sent unless it does.
DeliveryStatus = Literal["draft", "pending", "sending", "sent", "failed", "unknown"]


class Delivery(Document):
    """One message on one channel. Its status makes delivery at-most-once."""

    channel: str
    to: str
    template: str
    subject: str | None = None
    body: str
    html: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    user_id: PydanticObjectId | None = None
    sensitive: bool = False
    status: DeliveryStatus = "pending"
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
            IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)]),
        ]
