"""Erasing a person from messaging once identity anonymised their account
(``identity.user_anonymised``). The rule (documents/decisions.md, "Erasure in messaging"):

* conversations stay readable for the other participants: their own messages, the order
  of the thread and read receipts are untouched;
* what the person wrote goes: each of their messages stays in place as a deleted message
  (no text, attachments, event or data; the files themselves are deleted by media's own
  receiver), replies no longer quote it, conversation previews of it are emptied, and
  their reactions are removed;
* system messages that name them ("Ann added Bob") get a neutral text;
* they leave every group (ownership passes on as when an owner leaves); direct
  conversations with them become read only (``is_closed``; sending is 409), and they show
  as a deleted user.

Every step is a guarded or set-based update, so running it twice changes nothing more.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from kwika.core import clock
from kwika.modules.messaging.documents import Conversation, Message, Participant
from kwika.modules.messaging.services import groups, receipts

NEUTRAL_TEXT = {
    "group_created": "The group was created",
    "group_renamed": "The group was renamed",
    "members_added": "Members were added",
    "member_removed": "A member left the group",
    "role_changed": "A member's role changed",
}
REMOVED_TEXT = "This message named an account that no longer exists"


async def erase_user(user_id: ObjectId) -> None:
    """Receiver of ``identity.user_anonymised``."""
    written_in = await Message.get_motor_collection().distinct(
        "conversation_id", {"sender_id": user_id}
    )
    await _erase_messages(user_id, written_in)
    await _neutralise_mentions(user_id)
    await Message.get_motor_collection().update_many(
        {"reactions.user_id": user_id}, {"$pull": {"reactions": {"user_id": user_id}}}
    )
    for conversation_id in written_in:
        await receipts.recount_unread(conversation_id)
    await _leave_conversations(user_id)


async def _erase_messages(user_id: ObjectId, written_in: list[ObjectId]) -> None:
    collection = Message.get_motor_collection()
    await collection.update_many(
        {"sender_id": user_id, "is_deleted": False},
        {"$set": {"is_deleted": True, "deleted_at": clock.now()}},
    )
    await collection.update_many(
        {"sender_id": user_id},
        {
            "$set": {"content": "", "data": {}},
            "$unset": {"attachments": "", "event": "", "client_id": "", "dedupe_key": ""},
        },
    )
    if not written_in:
        return
    await collection.update_many(
        {"conversation_id": {"$in": written_in}, "reply_to.sender_id": user_id},
        {"$set": {"reply_to.content": ""}},
    )
    await Conversation.get_motor_collection().update_many(
        {"_id": {"$in": written_in}, "last_message.sender_id": user_id},
        {"$set": {"last_message.content": ""}},
    )


async def _neutralise_mentions(user_id: ObjectId) -> None:
    collection = Message.get_motor_collection()
    async for row in collection.find({"mentions": user_id}, {"data": 1, "conversation_id": 1}):
        data: dict[str, Any] = row.get("data") or {}
        text = NEUTRAL_TEXT.get(str(data.get("action")), REMOVED_TEXT)
        await collection.update_one(
            {"_id": row["_id"]}, {"$set": {"content": text}, "$pull": {"mentions": user_id}}
        )
        await Conversation.get_motor_collection().update_one(
            {"_id": row["conversation_id"], "last_message.id": row["_id"]},
            {"$set": {"last_message.content": text}},
        )


async def _leave_conversations(user_id: ObjectId) -> None:
    now = clock.now()
    async for member in Participant.find({"user_id": user_id}):
        if member.kind == "group":
            await groups.drop_member(member)
            continue
        await Conversation.get_motor_collection().update_one(
            {"_id": member.conversation_id, "closed_at": None},
            {"$set": {"closed_at": now, "updated_at": now}},
        )
        # Their own view of it (unread count, mute, archive) is of no use to anyone.
        await Participant.get_motor_collection().update_one(
            {"_id": member.id},
            {
                "$set": {"unread_count": 0, "archived": True, "muted_forever": True},
                "$unset": {"muted_until": "", "last_read_at": ""},
            },
        )
        await groups.announce(member.conversation_id)
