from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId

from kwika.core.pagination import Page, PageParams
from kwika.modules.activity.documents import ActivityLog
from kwika.modules.activity.schemas import ActivityOut


@dataclass(frozen=True)
class Actor:
    type: str
    id: ObjectId | None = None
    label: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system", None, "system")


async def record(
    actor: Actor,
    action: str,
    *,
    target_type: str | None = None,
    target_id: ObjectId | str | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    await ActivityLog(
        actor_type=actor.type,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        details=details or {},
        ip=ip,
    ).insert()


async def forget_actor(actor_id: ObjectId) -> None:
    """Keep what happened but drop who it was (account anonymisation): label and address."""
    await ActivityLog.get_motor_collection().update_many(
        {"actor_id": actor_id}, {"$unset": {"actor_label": "", "ip": ""}}
    )
    await ActivityLog.get_motor_collection().update_many(
        {"target_type": "user", "target_id": str(actor_id)}, {"$unset": {"ip": ""}}
    )


async def search(
    paging: PageParams,
    *,
    actor_id: ObjectId | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[ActivityOut]:
    query: dict[str, Any] = {}
    if actor_id is not None:
        query["actor_id"] = actor_id
    if action:
        query["action"] = action
    if target_type:
        query["target_type"] = target_type
    if target_id:
        query["target_id"] = target_id
    if since or until:
        query["created_at"] = {
            **({"$gte": since} if since else {}),
            **({"$lt": until} if until else {}),
        }
    cursor = ActivityLog.find(query).sort("-created_at")
    total = await ActivityLog.find(query).count()
    rows = await cursor.skip(paging.skip).limit(paging.limit).to_list()
    return paging.build([ActivityOut.of(row) for row in rows], total)
