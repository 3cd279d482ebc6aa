"""Messages: sending (REST and Socket.IO alike), history, read receipts, deletion,
reactions, typing. Recipients who are offline are notified by the ``messaging.notify_offline``
actor (``services/offline.py``)."""

from __future__ import annotations

import logging
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import runtime
from kwika.core.broker import enqueue
from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of, parse_id, try_parse_id
from kwika.core.ratelimit import limit
from kwika.core.realtime import emit_to_users
from kwika.modules.messaging import tasks
from kwika.modules.messaging.constants import (
    EVENT_NEW_MESSAGE,
    MAX_ATTACHMENTS,
)
from kwika.modules.messaging.documents import (
    Conversation,
    EventReference,
    LastMessage,
    Message,
    Participant,
    ReplySnapshot,
)
from kwika.modules.messaging.exceptions import (
    ConversationClosed,
    ConversationNotFound,
)
from kwika.modules.messaging.schemas import (
    MessageOut,
)
from kwika.modules.messaging.services import attachments as files
from kwika.modules.messaging.services import views

log = logging.getLogger(__name__)

MARK_READ_BATCH = 1000


def unread_query(conversation_id: ObjectId, me: Participant) -> dict[str, Any]:
    """Messages that count as unread for ``me``: others' (not system), not deleted, not
    read by me, sent since I joined."""
    return {
        "conversation_id": conversation_id,
        "sender_id": {"$ne": me.user_id},
        "message_type": {"$ne": "system"},
        "is_deleted": False,
        "read_by.user_id": {"$ne": me.user_id},
        "created_at": {"$gte": me.joined_at},
    }


def visible_to(conversation: Conversation, me: Participant) -> dict[str, Any]:
    """The messages of ``conversation`` that ``me`` may see: in a group, those sent since
    they joined (history, replies, reactions, receipts, deletion and cursors all use this,
    so a message from before is as unknown as one that does not exist)."""
    query: dict[str, Any] = {"conversation_id": conversation.id}
    if conversation.kind == "group":
        query["created_at"] = {"$gte": me.joined_at}
    return query


async def visible_message(
    conversation: Conversation, me: Participant, message_id: str | None
) -> Message | None:
    oid = try_parse_id(message_id)
    if oid is None:
        return None
    return await Message.find_one({**visible_to(conversation, me), "_id": oid})


# ---------------------------------------------------------------------------- sending


async def _limit_sending(user_id: ObjectId) -> None:
    config = runtime.get().settings.messaging
    await limit(
        "messaging.send",
        str(user_id),
        config.send_limit,
        config.send_window_seconds,
        "You are sending messages too fast. Please slow down.",
    )


async def _reply_snapshot(
    conversation: Conversation, me: Participant, reply_to: str | None
) -> ReplySnapshot | None:
    if not reply_to:
        return None
    target = await visible_message(conversation, me, reply_to)
    if target is None or target.is_deleted:
        raise ValidationFailed.single("reply_to", "The message you reply to is not in this chat")
    return ReplySnapshot(
        id=id_of(target),
        sender_id=target.sender_id,
        content=views.preview(target),
        message_type=target.message_type,
    )


async def send(
    sender_id: ObjectId,
    conversation_id: str,
    content: str = "",
    *,
    attachments: list[str] | None = None,
    reply_to: str | None = None,
    message_type: str = "text",
    event_id: str | None = None,
    client_id: str | None = None,
    origin_sid: str | None = None,
) -> MessageOut:
    """Store a message and deliver it: live to every participant's connections (the
    sender's other devices included, the sending socket excepted), and as a notification
    to participants who are offline and have not muted the conversation.

    ``attachments`` are media file ids of the sender (context ``message_attachment``),
    claimed for the message: all of them or, on an error, none and no message.

    ``client_id`` is the sender's retry key in this conversation: sending again with it
    returns the first message. ``event_id`` is kept without a title: the events module
    does not exist yet, and a title typed by the sender must not look like the event's."""
    conversation, me = await views.membership(sender_id, conversation_id)
    config = runtime.get().settings.messaging
    attachments = list(dict.fromkeys(attachments or []))
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed.single(
            "attachments", f"At most {MAX_ATTACHMENTS} attachments per message"
        )
    if len(content) > config.max_message_length:
        raise ValidationFailed.single("content", f"At most {config.max_message_length} characters")
    dedupe = _dedupe_key(sender_id, id_of(conversation), client_id)
    if dedupe:
        existing = await Message.find_one({"dedupe_key": dedupe})
        if existing is not None:
            return await _out(existing, sender_id, conversation)
    if conversation.closed_at is not None:
        raise ConversationClosed()
    await _limit_sending(sender_id)
    if message_type != "event_invitation" and not content.strip() and attachments:
        message_type = "attachment"
    message = Message(
        id=ObjectId(),
        conversation_id=conversation.id,
        sender_id=sender_id,
        message_type=message_type,
        content=content,
        attachments=attachments,
        reply_to=await _reply_snapshot(conversation, me, reply_to),
        event=EventReference(id=event_id) if event_id else None,
        dedupe_key=dedupe,
        client_id=client_id,
    )
    assert message.id is not None
    # Claimed before the message exists, so a file that is not the sender's sends nothing.
    await files.claim(sender_id, message.id, attachments)
    try:
        await message.insert()
    except DuplicateKeyError:  # the same client id raced itself
        await files.release(message.id, attachments, delete_unused=False)
        existing = await Message.find_one({"dedupe_key": dedupe})
        assert existing is not None
        return await _out(existing, sender_id, conversation)
    except BaseException:
        await files.release(message.id, attachments, delete_unused=False)
        raise
    await _record(conversation, message, counts_as_unread=True)
    await _deliver(conversation, message, origin_sid)
    return await _out(message, sender_id, conversation)


def _dedupe_key(
    sender_id: ObjectId, conversation_id: ObjectId, client_id: str | None
) -> str | None:
    """Unique per sender, conversation and client id: the same client id in another
    conversation is another message."""
    return f"{sender_id}:{conversation_id}:{client_id}" if client_id else None


async def post_system_message(
    conversation_id: ObjectId | str,
    content: str,
    data: dict[str, Any] | None = None,
    mentions: list[ObjectId] | None = None,
) -> MessageOut:
    """A message from the application (a booking changed, a member joined). It shows in the
    conversation but does not count as unread. ``mentions``: the users its text names (an
    erased account's name is then removed from it)."""
    cid = parse_id(conversation_id, "Conversation")
    conversation = await Conversation.get(cid)
    if conversation is None:
        raise ConversationNotFound()
    message = Message(
        conversation_id=cid,
        message_type="system",
        content=content,
        data=data or {},
        mentions=list(dict.fromkeys(mentions)) if mentions else None,
    )
    await message.insert()
    await _record(conversation, message, counts_as_unread=False)
    await _deliver(conversation, message, None)
    return await _out(message, None, conversation)


async def _record(conversation: Conversation, message: Message, *, counts_as_unread: bool) -> None:
    """Conversation's last message; participants' activity and unread counts."""
    await Conversation.get_motor_collection().update_one(
        {"_id": conversation.id},
        {
            "$set": {
                "last_message": LastMessage(
                    id=id_of(message),
                    sender_id=message.sender_id,
                    content=views.preview(message),
                    message_type=message.message_type,
                    created_at=message.created_at,
                ).model_dump(),
                "last_message_at": message.created_at,
                "updated_at": message.created_at,
            }
        },
    )
    participants = Participant.get_motor_collection()
    others = {"conversation_id": conversation.id, "user_id": {"$ne": message.sender_id}}
    # A new message brings an archived conversation back to the recipient's list.
    update: dict[str, Any] = {"$set": {"last_activity_at": message.created_at, "archived": False}}
    if counts_as_unread:
        update["$inc"] = {"unread_count": 1}
    await participants.update_many(others, update)
    if message.sender_id is not None:
        await participants.update_one(
            {"conversation_id": conversation.id, "user_id": message.sender_id},
            {"$set": {"last_activity_at": message.created_at}},
        )


async def _out(message: Message, viewer: ObjectId | None, conversation: Conversation) -> MessageOut:
    people = await views.People.load([message.sender_id])
    shown = await views.files_of([message])
    return views.message_out(message, viewer, people, count_others(conversation, message), shown)


def count_others(conversation: Conversation, message: Message) -> int:
    return len([p for p in conversation.participant_ids if p != message.sender_id])


async def _deliver(conversation: Conversation, message: Message, origin_sid: str | None) -> None:
    people = await views.People.load([message.sender_id])
    shown = await views.files_of([message])
    others = count_others(conversation, message)
    recipients = [p for p in conversation.participant_ids if p != message.sender_id]
    theirs = views.message_out(message, None, people, others, shown)
    await emit_to_users(recipients, EVENT_NEW_MESSAGE, theirs.model_dump(mode="json"))
    if message.sender_id is not None:
        mine = views.message_out(message, message.sender_id, people, others, shown)
        await emit_to_users(
            [message.sender_id],
            EVENT_NEW_MESSAGE,
            mine.model_dump(mode="json"),
            skip_sid=origin_sid,
        )
        # Offline recipients are notified by an actor, once the send has succeeded: a
        # message to a large group does not wait for every notification.
        await enqueue(tasks.notify_offline, str(message.id))
