from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from kwika.core.auth import require_staff
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.ids import parse_id
from kwika.core.pagination import Page, Paging
from kwika.modules.activity import service
from kwika.modules.activity.schemas import ActivityOut


class ActivityController(Controller):
    path = "/admin/activity-logs"
    tags = ["Admin: activity log"]
    guards = [require_staff("admin")]
    security = [{"BearerToken": []}]

    @get("/", summary="Browse the activity log", responses=errors(401, 403))
    async def list_activity(
        self,
        paging: Paging,
        actor_id: Annotated[str | None, QueryParameter(name="actor_id")] = None,
        action: Annotated[str | None, QueryParameter(name="action")] = None,
        target_type: Annotated[str | None, QueryParameter(name="target_type")] = None,
        target_id: Annotated[str | None, QueryParameter(name="target_id")] = None,
        since: Annotated[datetime | None, QueryParameter(name="from")] = None,
        until: Annotated[datetime | None, QueryParameter(name="to")] = None,
    ) -> Envelope[Page[ActivityOut]]:
        """Admins only (moderators cannot read it). Newest first. Filter by actor, action
        (for example `user.registered`, `auth.signin_new_device`, `staff.created`), target,
        and a `from`/`to` time range."""
        page = await service.search(
            paging,
            actor_id=parse_id(actor_id, "Actor") if actor_id else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            since=since,
            until=until,
        )
        return ok(page, "Activity retrieved")
