"""Read receipts and unread counts."""

from __future__ import annotations

import contextlib
import logging

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import id_of, parse_id, try_parse_id
from kwika.core.realtime import emit_to_users
from kwika.core.redis import REDIS_DOWN
from kwika.modules.messaging.constants import (
    EVENT_MESSAGES_READ,
)
from kwika.modules.messaging.documents import (
    Message,
    Participant,
)
from kwika.modules.messaging.exceptions import (
    ConversationNotFound,
)
from kwika.modules.messaging.schemas import (
    ReadResultOut,
    UnreadOut,
)
from kwika.modules.messaging.services import offline, views
from kwika.modules.messaging.services.conversations import summary
from kwika.modules.messaging.services.messages import (
    MARK_READ_BATCH,
    unread_query,
    visible_message,
)

log = logging.getLogger(__name__)


async def mark_read(
    user_id: ObjectId, conversation_id: str, message_ids: list[str] | None = None
) -> ReadResultOut:
    """Read receipts: mark these messages (or every unread one) read by the caller, and
    tell the other participants live (``messages_read``)."""
    conversation, me = await views.membership(user_id, conversation_id)
    query = unread_query(id_of(conversation), me)
    if message_ids is not None:
        parsed = [try_parse_id(i) for i in message_ids]
        bad = [
            FieldError(f"message_ids.{n}", "Not a message id")
            for n, v in enumerate(parsed)
            if v is None
        ]
        if bad:
            raise ValidationFailed(errors=bad)
        query["_id"] = {"$in": parsed}
    rows = Message.get_motor_collection().find(query, {"_id": 1}).limit(MARK_READ_BATCH)
    ids = [row["_id"] async for row in rows]
    now = clock.now()
    if ids:
        await Message.get_motor_collection().update_many(
            {"_id": {"$in": ids}, "read_by.user_id": {"$ne": user_id}},
            {"$push": {"read_by": {"user_id": user_id, "read_at": now}}},
        )
    # Recounted rather than decremented so the count heals itself.
    unread = await Message.get_motor_collection().count_documents(
        unread_query(id_of(conversation), me)
    )
    await Participant.get_motor_collection().update_one(
        {"_id": me.id}, {"$set": {"unread_count": unread, "last_read_at": now}}
    )
    with contextlib.suppress(*REDIS_DOWN):
        await runtime.get().redis.delete(offline.cooldown_key(user_id, id_of(conversation)))
    marked = [str(i) for i in ids]
    if marked:
        await emit_to_users(
            conversation.participant_ids,
            EVENT_MESSAGES_READ,
            {
                "conversation_id": str(conversation.id),
                "user_id": str(user_id),
                "message_ids": marked,
                "read_at": now.isoformat().replace("+00:00", "Z"),
            },
        )
    return ReadResultOut(
        conversation_id=str(conversation.id),
        marked_count=len(marked),
        message_ids=marked,
        unread_count=unread,
    )


async def recount_unread(conversation_id: ObjectId) -> None:
    """Recount every member's unread messages (after messages disappeared at once)."""
    async for member in Participant.find({"conversation_id": conversation_id}):
        unread = await Message.get_motor_collection().count_documents(
            unread_query(conversation_id, member)
        )
        await Participant.get_motor_collection().update_one(
            {"_id": member.id}, {"$set": {"unread_count": unread}}
        )


async def mark_read_by_id(user_id: ObjectId, some_id: str) -> ReadResultOut:
    """``PUT /messages/{id}/read``: seed 003 passes a conversation id, seed 002 a message
    id. Ids are unique across both, so whichever it is of the caller's is marked."""
    oid = parse_id(some_id, "Conversation")
    if await Participant.find_one({"conversation_id": oid, "user_id": user_id}):
        return await mark_read(user_id, str(oid))
    message = await Message.find_one({"_id": oid})
    if message is None:
        raise ConversationNotFound()
    # Not the caller's, or from before they joined the group: as unknown as a wrong id.
    conversation, me = await views.membership(user_id, str(message.conversation_id))
    if await visible_message(conversation, me, some_id) is None:
        raise ConversationNotFound()
    return await mark_read(user_id, str(message.conversation_id), [str(oid)])


async def unread(user_id: ObjectId) -> UnreadOut:
    totals = await summary(user_id)
    conversations = await Participant.get_motor_collection().count_documents(
        {"user_id": user_id, "unread_count": {"$gt": 0}}
    )
    total = totals.total_unread
    return UnreadOut(unread_count=total, unread=total, conversations=conversations)
