"""A conversation's history as one participant sees it: pages, cursors, the direct
conversation with someone."""

from __future__ import annotations

import logging
from typing import Any

from bson import ObjectId

from kwika.core.errors import ValidationFailed
from kwika.core.ids import parse_id
from kwika.core.pagination import PageParams
from kwika.modules.messaging.documents import (
    Conversation,
    Message,
    Participant,
)
from kwika.modules.messaging.schemas import (
    MessagePage,
)
from kwika.modules.messaging.services import views
from kwika.modules.messaging.services.messages import count_others, visible_message, visible_to

log = logging.getLogger(__name__)


async def _anchor(
    conversation: Conversation, me: Participant, message_id: str, field: str
) -> Message:
    anchor = await visible_message(conversation, me, message_id)
    if anchor is None:
        raise ValidationFailed.single(field, "Not a message of this conversation")
    return anchor


async def history(
    user_id: ObjectId,
    conversation_id: str,
    paging: PageParams,
    before: str | None = None,
    after: str | None = None,
) -> MessagePage:
    """Newest first. ``before`` (a message id, the previous page's ``next_cursor``) scrolls
    back; ``after`` fetches what arrived since a message. Group members see messages from
    when they joined."""
    conversation, me = await views.membership(user_id, conversation_id)
    return await _page(conversation, me, paging, before, after)


async def _page(
    conversation: Conversation,
    me: Participant,
    paging: PageParams,
    before: str | None,
    after: str | None,
) -> MessagePage:
    query = visible_to(conversation, me)
    bounds: list[dict[str, Any]] = []
    for cursor, op, field in ((before, "$lt", "before"), (after, "$gt", "after")):
        if cursor:
            anchor = await _anchor(conversation, me, cursor, field)
            bounds.append(
                {
                    "$or": [
                        {"created_at": {op: anchor.created_at}},
                        {"created_at": anchor.created_at, "_id": {op: anchor.id}},
                    ]
                }
            )
    if bounds:
        query["$and"] = bounds
    total = await Message.get_motor_collection().count_documents(query)
    rows = (
        await Message.find(query)
        .sort("-created_at", "-_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    people = await views.People.load(r.sender_id for r in rows)
    shown = await views.files_of(rows)
    items = [
        views.message_out(row, me.user_id, people, count_others(conversation, row), shown)
        for row in rows
    ]
    page = paging.build(items, total)
    more = paging.skip + len(rows) < total
    return MessagePage(
        conversation=await views.one_conversation_out(conversation, me),
        items=page.items,
        pagination=page.pagination,
        next_cursor=str(rows[-1].id) if rows and more else None,
    )


async def history_with(
    user_id: ObjectId, other_id: str, paging: PageParams, before: str | None
) -> MessagePage:
    """Seed 002: the messages of the plain direct conversation with a user (empty when
    they have not talked yet)."""
    from kwika.modules.messaging.services.conversations import direct_key

    other = parse_id(other_id, "User")
    conversation = await Conversation.find_one({"direct_key": direct_key(user_id, other, None)})
    me = (
        await Participant.find_one({"conversation_id": conversation.id, "user_id": user_id})
        if conversation
        else None
    )
    if conversation is None or me is None:
        return MessagePage(conversation=None, items=[], pagination=paging.meta(0), next_cursor=None)
    return await _page(conversation, me, paging, before, None)
