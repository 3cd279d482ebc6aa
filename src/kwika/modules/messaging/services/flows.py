"""Use cases that combine conversations and messages (what the endpoints call)."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of
from kwika.modules.identity import get_user_summaries
from kwika.modules.messaging.constants import GrantedRole
from kwika.modules.messaging.schemas import (
    ConversationOut,
    CreateConversationIn,
    DirectMessageIn,
    MessageOut,
    StartConversationIn,
    StartedOut,
    _MessageBody,
)
from kwika.modules.messaging.services import conversations, groups, messages


async def send_body(
    user_id: ObjectId, conversation_id: str, body: _MessageBody, origin_sid: str | None = None
) -> MessageOut:
    return await messages.send(
        user_id,
        conversation_id,
        body.content,
        attachments=body.attachments,
        reply_to=body.reply_to,
        message_type=body.message_type,
        event_id=body.event_id,
        client_id=body.client_id,
        origin_sid=origin_sid,
    )


async def start(user_id: ObjectId, data: StartConversationIn) -> StartedOut:
    """Seed 003 11.4: find or start the direct conversation, then send the message."""
    conversation, _ = await conversations.start_direct(user_id, data.recipient_id, data.context)
    message = await send_body(user_id, str(conversation.id), data)
    return StartedOut(
        conversation_id=str(conversation.id),
        conversation=await conversations.get(user_id, str(conversation.id)),
        message=message,
    )


async def send_anywhere(
    user_id: ObjectId, data: DirectMessageIn, origin_sid: str | None = None
) -> MessageOut:
    """Seed 002 ``POST /messages``: to a conversation, or to a user's direct one."""
    if data.conversation_id:
        return await send_body(user_id, data.conversation_id, data, origin_sid)
    assert data.receiver_id is not None
    conversation, _ = await conversations.start_direct(user_id, data.receiver_id, None)
    return await send_body(user_id, str(conversation.id), data, origin_sid)


async def create(user_id: ObjectId, data: CreateConversationIn) -> StartedOut:
    """Seed 004 ``POST /conversations``: direct (same as starting one) or group."""
    if data.type == "direct":
        if len(data.participant_ids) != 1:
            raise ValidationFailed.single(
                "participant_ids", "A direct conversation has one other person"
            )
        conversation, _ = await conversations.start_direct(
            user_id, data.participant_ids[0], data.context
        )
    else:
        conversation, _ = await conversations.create_group(
            user_id, data.participant_ids, data.title, data.context
        )
        name = await _name(user_id)
        await messages.post_system_message(
            id_of(conversation),
            f"{name} created the group",
            {"action": "group_created"},
            mentions=[user_id],
        )
    message = None
    if data.content and data.content.strip():
        message = await messages.send(user_id, str(conversation.id), data.content)
    return StartedOut(
        conversation_id=str(conversation.id),
        conversation=await conversations.get(user_id, str(conversation.id)),
        message=message,
    )


async def _name(user_id: ObjectId) -> str:
    found = await get_user_summaries([user_id])
    return found[str(user_id)].full_name if str(user_id) in found else "Someone"


async def rename(user_id: ObjectId, conversation_id: str, title: str) -> ConversationOut:
    conversation = await groups.rename(user_id, conversation_id, title)
    await messages.post_system_message(
        id_of(conversation),
        f"{await _name(user_id)} renamed the group to {title}",
        {"action": "group_renamed", "title": title},
        mentions=[user_id],
    )
    return await conversations.get(user_id, conversation_id)


async def add_members(
    user_id: ObjectId, conversation_id: str, user_ids: list[str]
) -> ConversationOut:
    conversation, added = await groups.add_members(user_id, conversation_id, user_ids)
    if added:
        names = await get_user_summaries(added)
        listed = ", ".join(names[str(u)].full_name for u in added if str(u) in names)
        await messages.post_system_message(
            id_of(conversation),
            f"{await _name(user_id)} added {listed}",
            {"action": "members_added", "user_ids": [str(u) for u in added]},
            mentions=[user_id, *added],
        )
    return await conversations.get(user_id, conversation_id)


async def remove_member(user_id: ObjectId, conversation_id: str, member_id: str) -> None:
    conversation, removed = await groups.remove_member(user_id, conversation_id, member_id)
    removed_name = await _name(removed)
    text = (
        f"{removed_name} left"
        if removed == user_id
        else f"{await _name(user_id)} removed {removed_name}"
    )
    await messages.post_system_message(
        id_of(conversation),
        text,
        {"action": "member_removed", "user_id": str(removed)},
        mentions=[user_id, removed],
    )


async def set_role(
    user_id: ObjectId, conversation_id: str, member_id: str, role: GrantedRole | None
) -> ConversationOut:
    if role is None:  # no body at all
        raise ValidationFailed.single("role", 'Send {"role": "admin"} or {"role": "member"}')
    conversation, target, changed = await groups.set_role(user_id, conversation_id, member_id, role)
    if changed:
        name = await _name(target)
        if role == "admin":
            text = f"{await _name(user_id)} made {name} an admin"
        elif target == user_id:
            text = f"{name} is no longer an admin"
        else:
            text = f"{await _name(user_id)} made {name} a member"
        await messages.post_system_message(
            id_of(conversation),
            text,
            {"action": "role_changed", "user_id": str(target), "role": role},
            mentions=[user_id, target],
        )
    return await conversations.get(user_id, conversation_id)
