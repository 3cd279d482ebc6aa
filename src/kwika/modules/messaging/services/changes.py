"""Changing a sent message: deleting it, reacting to it; typing indicators."""

from __future__ import annotations

import logging

from beanie import PydanticObjectId
from bson import ObjectId

from kwika.core import clock
from kwika.core.ids import id_of
from kwika.core.realtime import emit_to_users
from kwika.modules.messaging.constants import (
    EVENT_MESSAGE_DELETED,
    EVENT_MESSAGE_REACTION,
    EVENT_USER_TYPING,
)
from kwika.modules.messaging.documents import (
    Conversation,
    Message,
    Participant,
    Reaction,
)
from kwika.modules.messaging.exceptions import (
    MessageNotFound,
    NotYourMessage,
)
from kwika.modules.messaging.schemas import (
    MessageOut,
)
from kwika.modules.messaging.services import attachments as files
from kwika.modules.messaging.services import messages, views
from kwika.modules.messaging.services.messages import visible_message

log = logging.getLogger(__name__)


async def _message_of(conversation: Conversation, me: Participant, message_id: str) -> Message:
    message = await visible_message(conversation, me, message_id)
    if message is None:
        raise MessageNotFound()
    return message


async def delete(user_id: ObjectId, conversation_id: str, message_id: str) -> None:
    """Soft delete by the sender: the message stays in place as "deleted" for everyone."""
    conversation, me = await views.membership(user_id, conversation_id)
    message = await _message_of(conversation, me, message_id)
    if message.sender_id != user_id:
        raise NotYourMessage()
    collection = Message.get_motor_collection()
    result = await collection.update_one(
        {"_id": message.id, "is_deleted": False},
        {"$set": {"is_deleted": True, "deleted_at": clock.now(), "content": ""}},
    )
    # Released after the message is marked deleted and forgotten only once released, so
    # deleting again finishes what a failed attempt left.
    await files.release(id_of(message), message.attachments)
    await collection.update_one({"_id": message.id}, {"$unset": {"attachments": ""}})
    if not result.modified_count:
        return  # already deleted
    await forget_quotes(id_of(conversation), [id_of(message)])
    readers = [r.user_id for r in message.read_by]
    await Participant.get_motor_collection().update_many(
        {
            "conversation_id": conversation.id,
            "user_id": {"$nin": [user_id, *readers]},
            "joined_at": {"$lte": message.created_at},
            "unread_count": {"$gt": 0},
        },
        {"$inc": {"unread_count": -1}},
    )
    await Conversation.get_motor_collection().update_one(
        {"_id": conversation.id, "last_message.id": message.id},
        {"$set": {"last_message.content": ""}},
    )
    await emit_to_users(
        conversation.participant_ids,
        EVENT_MESSAGE_DELETED,
        {"conversation_id": str(conversation.id), "message_id": str(message.id)},
    )


async def forget_quotes(conversation_id: ObjectId, message_ids: list[ObjectId]) -> None:
    """Replies keep a preview of the message they answer: empty it once that is deleted."""
    await Message.get_motor_collection().update_many(
        {"conversation_id": conversation_id, "reply_to.id": {"$in": message_ids}},
        {"$set": {"reply_to.content": ""}},
    )


async def react(
    user_id: ObjectId, conversation_id: str, message_id: str, emoji: str | None
) -> MessageOut:
    """One reaction per person and message; ``None`` removes the caller's."""
    conversation, me = await views.membership(user_id, conversation_id)
    message = await _message_of(conversation, me, message_id)
    if message.is_deleted:
        raise MessageNotFound()
    collection = Message.get_motor_collection()
    await collection.update_one({"_id": message.id}, {"$pull": {"reactions": {"user_id": user_id}}})
    if emoji is not None:
        reaction = Reaction(user_id=PydanticObjectId(user_id), emoji=emoji).model_dump()
        await collection.update_one({"_id": message.id}, {"$push": {"reactions": reaction}})
    updated = await Message.get(message.id)
    assert updated is not None
    await emit_to_users(
        conversation.participant_ids,
        EVENT_MESSAGE_REACTION,
        {
            "conversation_id": str(conversation.id),
            "message_id": str(message.id),
            "user_id": str(user_id),
            "emoji": emoji,
            "reactions": [{"user_id": str(r.user_id), "emoji": r.emoji} for r in updated.reactions],
        },
    )
    return await messages._out(updated, user_id, conversation)


async def typing(user_id: ObjectId, conversation_id: str, is_typing: bool) -> None:
    """Tell the other participants (``user_typing``); nothing is stored."""
    conversation, _ = await views.membership(user_id, conversation_id)
    others = [p for p in conversation.participant_ids if p != user_id]
    await emit_to_users(
        others,
        EVENT_USER_TYPING,
        {
            "conversation_id": str(conversation.id),
            "user_id": str(user_id),
            "is_typing": is_typing,
        },
    )
