from __future__ import annotations

from datetime import datetime
from typing import Any

from kwika.core.schemas import IdStr, OptionalIdStr, ResponseSchema


class ActivityOut(ResponseSchema):
    id: IdStr
    actor_type: str
    actor_id: OptionalIdStr
    actor_label: str | None
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    ip: str | None
    created_at: datetime
