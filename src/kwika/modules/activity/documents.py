from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core import clock


class ActivityLog(Document):
    actor_type: str  # user | staff | system
    actor_id: PydanticObjectId | None = None
    actor_label: str | None = None
    action: str
    target_type: str | None = None
    target_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    ip: str | None = None
    created_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "activity_logs"
        keep_nulls = False
        indexes = [
            IndexModel([("created_at", DESCENDING)]),
            IndexModel([("actor_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel(
                [("target_type", ASCENDING), ("target_id", ASCENDING), ("created_at", DESCENDING)]
            ),
            IndexModel([("action", ASCENDING), ("created_at", DESCENDING)]),
        ]
