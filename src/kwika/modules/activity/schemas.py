from __future__ import annotations

from datetime import datetime
from typing import Any

from kwika.core.schemas import ResponseSchema
from kwika.modules.activity.documents import ActivityLog


class ActivityOut(ResponseSchema):
    id: str
    actor_type: str
    actor_id: str | None
    actor_label: str | None
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    ip: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: ActivityLog) -> ActivityOut:
        return cls(
            id=str(row.id),
            actor_type=row.actor_type,
            actor_id=str(row.actor_id) if row.actor_id else None,
            actor_label=row.actor_label,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            details=row.details,
            ip=row.ip,
            created_at=row.created_at,
        )
