"""Messages: sending (REST and Socket.IO alike), history, read receipts, deletion,
reactions, typing. Recipients who are offline are notified by the ``messaging.notify_offline``
actor (``services/offline.py``)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.broker import enqueue
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.pagination import PageParams
from kwika.core.ratelimit import limit
from kwika.core.realtime import emit_to_users
from kwika.core.redis import REDIS_DOWN
from kwika.modules.messaging import tasks
from kwika.modules.messaging.constants import (
    EVENT_MESSAGE_DELETED,
    EVENT_MESSAGE_REACTION,
    EVENT_MESSAGES_READ,
    EVENT_NEW_MESSAGE,
    EVENT_USER_TYPING,
    MAX_ATTACHMENTS,
)
from kwika.modules.messaging.documents import (
    Conversation,
    EventReference,
    LastMessage,
    Message,
    Participant,
    Reaction,
    ReplySnapshot,
)
from kwika.modules.messaging.exceptions import (
    ConversationClosed,
    ConversationNotFound,
    MessageNotFound,
    NotYourMessage,
)
from kwika.modules.messaging.schemas import (
    ConversationOut,
    MessageOut,
    MessagePage,
    ReadResultOut,
    UnreadOut,
)
from kwika.modules.messaging.services import attachments as files
from kwika.modules.messaging.services import offline, views
from kwika.modules.messaging.services.conversations import summary

log = logging.getLogger(__name__)

MARK_READ_BATCH = 1000


def _unread_query(conversation_id: ObjectId, me: Participant) -> dict[str, Any]:
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


async def _visible_message(
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
    target = await _visible_message(conversation, me, reply_to)
    if target is None or target.is_deleted:
        raise ValidationFailed.single("reply_to", "The message you reply to is not in this chat")
    return ReplySnapshot(
        id=target.id,
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
    dedupe = _dedupe_key(sender_id, conversation.id, client_id)
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
        message_type=message_type,  # type: ignore[arg-type]
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
                    id=message.id,  # type: ignore[arg-type]
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
    return views.message_out(message, viewer, people, _others_count(conversation, message), shown)


def _others_count(conversation: Conversation, message: Message) -> int:
    return len([p for p in conversation.participant_ids if p != message.sender_id])


async def _deliver(conversation: Conversation, message: Message, origin_sid: str | None) -> None:
    people = await views.People.load([message.sender_id])
    shown = await views.files_of([message])
    others_count = _others_count(conversation, message)
    recipients = [p for p in conversation.participant_ids if p != message.sender_id]
    theirs = views.message_out(message, None, people, others_count, shown)
    await emit_to_users(recipients, EVENT_NEW_MESSAGE, theirs.model_dump(mode="json"))
    if message.sender_id is not None:
        mine = views.message_out(message, message.sender_id, people, others_count, shown)
        await emit_to_users(
            [message.sender_id],
            EVENT_NEW_MESSAGE,
            mine.model_dump(mode="json"),
            skip_sid=origin_sid,
        )
        # Offline recipients are notified by an actor, once the send has succeeded: a
        # message to a large group does not wait for every notification.
        await enqueue(tasks.notify_offline, str(message.id))


# ---------------------------------------------------------------------------- history


async def _anchor(
    conversation: Conversation, me: Participant, message_id: str, field: str
) -> Message:
    anchor = await _visible_message(conversation, me, message_id)
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
        .sort([("created_at", -1), ("_id", -1)])
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    people = await views.People.load(r.sender_id for r in rows)
    shown = await views.files_of(rows)
    items = [
        views.message_out(row, me.user_id, people, _others_count(conversation, row), shown)
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


# ---------------------------------------------------------------------------- reading


async def mark_read(
    user_id: ObjectId, conversation_id: str, message_ids: list[str] | None = None
) -> ReadResultOut:
    """Read receipts: mark these messages (or every unread one) read by the caller, and
    tell the other participants live (``messages_read``)."""
    conversation, me = await views.membership(user_id, conversation_id)
    query = _unread_query(conversation.id, me)
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
        _unread_query(conversation.id, me)
    )
    await Participant.get_motor_collection().update_one(
        {"_id": me.id}, {"$set": {"unread_count": unread, "last_read_at": now}}
    )
    with contextlib.suppress(REDIS_DOWN):
        await runtime.get().redis.delete(offline.cooldown_key(user_id, conversation.id))
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
            _unread_query(conversation_id, member)
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
    if await _visible_message(conversation, me, some_id) is None:
        raise ConversationNotFound()
    return await mark_read(user_id, str(message.conversation_id), [str(oid)])


async def unread(user_id: ObjectId) -> UnreadOut:
    totals = await summary(user_id)
    conversations = await Participant.get_motor_collection().count_documents(
        {"user_id": user_id, "unread_count": {"$gt": 0}}
    )
    return UnreadOut(unread_count=totals.total_unread, conversations=conversations)


# ---------------------------------------------------------------------------- changing


async def _message_of(conversation: Conversation, me: Participant, message_id: str) -> Message:
    message = await _visible_message(conversation, me, message_id)
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
    await files.release(message.id, message.attachments)
    await collection.update_one({"_id": message.id}, {"$unset": {"attachments": ""}})
    if not result.modified_count:
        return  # already deleted
    await forget_quotes(conversation.id, [message.id])
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
        reaction = Reaction(user_id=user_id, emoji=emoji).model_dump()
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
    return await _out(updated, user_id, conversation)


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


async def conversation_view(user_id: ObjectId, conversation_id: str) -> ConversationOut:
    conversation, me = await views.membership(user_id, conversation_id)
    return await views.one_conversation_out(conversation, me)
