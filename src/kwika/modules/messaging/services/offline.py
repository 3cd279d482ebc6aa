"""Notifications for the recipients of a message who are offline. Run by the
``messaging.notify_offline`` actor after the send succeeded, so a message to a group of 256
does not wait for 255 notifications."""

from __future__ import annotations

import logging

from bson import ObjectId

from kwika.core import runtime
from kwika.core.ids import id_of
from kwika.core.realtime import presence_of
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.modules.messaging.documents import Conversation, Message, Participant
from kwika.modules.messaging.services import views
from kwika.modules.notifications import notify

log = logging.getLogger(__name__)


def cooldown_key(user_id: ObjectId, conversation_id: ObjectId) -> str:
    return redis_key("msg", "notified", user_id, conversation_id)


async def _recipients(conversation: Conversation, message: Message) -> list[ObjectId]:
    """Members other than the sender who can see the message (in a group: joined before
    it), have not read it, have not muted the conversation and have no live connection."""
    query: dict[str, object] = {
        "conversation_id": conversation.id,
        "user_id": {"$ne": message.sender_id},
    }
    if conversation.kind == "group":
        query["joined_at"] = {"$lte": message.created_at}
    readers = {r.user_id for r in message.read_by}
    members = await Participant.find(query).to_list()
    audible = [m.user_id for m in members if m.user_id not in readers and not views.is_muted(m)]
    presence = await presence_of(audible)
    return [u for u in audible if not presence[str(u)].is_online]


async def _claim(message_id: ObjectId, user_id: ObjectId) -> bool:
    """Record on the message that this recipient was handled, atomically: a second run of
    the actor (a redelivered or retried task) finds it and tells nobody twice."""
    result = await Message.get_motor_collection().update_one(
        {"_id": message_id, "offline_notified": {"$ne": user_id}},
        {"$push": {"offline_notified": user_id}},
    )
    return bool(result.modified_count)


async def _cooled_down(user_id: ObjectId, conversation_id: ObjectId) -> bool:
    """At most one notification per conversation and cooldown window (reading the
    conversation ends the window)."""
    cooldown = runtime.get().settings.messaging.offline_notify_cooldown_seconds
    try:
        first = await runtime.get().redis.set(
            cooldown_key(user_id, conversation_id), 1, ex=cooldown, nx=True
        )
    except REDIS_DOWN:
        return True  # better a second notification than none
    return bool(first)


async def notify_offline(message_id: ObjectId) -> int:
    """Tell each offline recipient of the message (state as it is now: a message deleted
    meanwhile, or read, tells nobody). Returns how many were notified."""
    message = await Message.get(message_id)
    if message is None or message.sender_id is None or message.is_deleted:
        return 0
    conversation = await Conversation.get(message.conversation_id)
    if conversation is None:
        return 0
    offline = await _recipients(conversation, message)
    if not offline:
        return 0
    people = await views.People.load([message.sender_id])
    sender_name = people.name(message.sender_id)
    sender = people.sender(message.sender_id)
    where = (
        f" in {conversation.title}" if conversation.kind == "group" and conversation.title else ""
    )
    told = 0
    for user_id in offline:
        if not await _claim(message_id, user_id):
            continue
        if not await _cooled_down(user_id, id_of(conversation)):
            continue
        await notify(
            user_id,
            "message",
            "New Message",
            f"{sender_name} sent you a message{where}",
            data={
                "conversation_id": str(conversation.id),
                "message_id": str(message.id),
                "sender_id": str(message.sender_id),
                "sender_name": sender_name,
                "preview": views.preview(message),
            },
            reference_id=conversation.id,
            reference_type="conversation",
            actor_id=message.sender_id,
            action_url=f"/messages/{conversation.id}",
            action_text="View Message",
            image_url=sender.avatar if sender else None,
        )
        told += 1
    log.debug("message %s: %d offline recipients notified", message_id, told)
    return told
