"""Who may see a conversation, and how conversations and messages look to each viewer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Literal

from bson import ObjectId

from kwika.core import clock
from kwika.core.ids import id_of, parse_id
from kwika.core.realtime import Presence, presence_of
from kwika.modules import media
from kwika.modules.identity import UserSummary, get_user_summaries
from kwika.modules.messaging.constants import PREVIEW_LENGTH
from kwika.modules.messaging.documents import Conversation, Message, Participant
from kwika.modules.messaging.exceptions import ConversationNotFound
from kwika.modules.messaging.schemas import (
    ContextOut,
    ConversationOut,
    EventOut,
    LastMessageOut,
    MessageOut,
    ParticipantOut,
    ReactionOut,
    ReceiptOut,
    ReplyOut,
    SenderOut,
)
from kwika.modules.messaging.services import attachments

# How an erased account appears (its messages stay in place for the others).
DELETED_NAME = ("Deleted", "User")
DELETED_USERNAME = "deleted_user"


async def membership(user_id: ObjectId, conversation_id: str) -> tuple[Conversation, Participant]:
    """The conversation and the caller's place in it; 404 for anyone who is not in it."""
    cid = parse_id(conversation_id, "Conversation")
    participant = await Participant.find_one({"conversation_id": cid, "user_id": user_id})
    conversation = await Conversation.get(cid) if participant else None
    if participant is None or conversation is None:
        raise ConversationNotFound()
    return conversation, participant


def preview(message: Message) -> str:
    if message.is_deleted:
        return ""
    if message.content.strip():
        text = " ".join(message.content.split())
        return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"
    if message.message_type == "event_invitation":
        return "Sent an event invitation"
    if message.attachments:
        return "Sent an attachment"
    return ""


def is_muted(participant: Participant, now: datetime | None = None) -> bool:
    if participant.muted_forever:
        return True
    until = participant.muted_until
    return until is not None and clock.as_utc(until) > (now or clock.now())


class People:
    """User snapshots and presence, fetched once for a whole response. Ids identity no
    longer knows are erased accounts: they show as a deleted user."""

    def __init__(self, users: dict[str, UserSummary], presence: dict[str, Presence]) -> None:
        self.users = users
        self.presence = presence

    @classmethod
    async def load(cls, user_ids: Iterable[ObjectId | None]) -> People:
        ids = list({uid for uid in user_ids if uid is not None})
        users = await get_user_summaries(ids) if ids else {}
        return cls(users, await presence_of(ids))

    def participant(self, user_id: ObjectId, role: str | None = None) -> ParticipantOut:
        summary = self.users.get(str(user_id))
        if summary is None:
            first, last = DELETED_NAME
            return ParticipantOut(
                id=str(user_id),
                username=DELETED_USERNAME,
                name=f"{first} {last}",
                first_name=first,
                last_name=last,
                avatar=None,
                is_online=False,
                last_seen=None,
                role=role,
                is_deleted=True,
            )
        presence = self.presence.get(str(user_id), Presence(False, None))
        return ParticipantOut(
            id=summary.id,
            username=summary.username,
            name=summary.full_name,
            first_name=summary.first_name,
            last_name=summary.last_name,
            avatar=summary.avatar,
            is_online=presence.is_online,
            last_seen=presence.last_seen,
            role=role,
        )

    def sender(self, user_id: ObjectId | None) -> SenderOut | None:
        if user_id is None:
            return None  # the application (system messages)
        summary = self.users.get(str(user_id))
        if summary is None:
            return SenderOut(
                id=str(user_id),
                name=" ".join(DELETED_NAME),
                username=DELETED_USERNAME,
                avatar=None,
                is_deleted=True,
            )
        return SenderOut(
            id=summary.id, name=summary.full_name, username=summary.username, avatar=summary.avatar
        )

    def name(self, user_id: ObjectId | None) -> str:
        summary = self.users.get(str(user_id)) if user_id else None
        return summary.full_name if summary else "Someone"


def conversation_out(
    conversation: Conversation,
    me: Participant,
    members: list[Participant],
    people: People,
) -> ConversationOut:
    group = conversation.kind == "group"
    participants = [people.participant(m.user_id, m.role if group else None) for m in members]
    other = next((p for p in participants if p.id != str(me.user_id)), None)
    context = conversation.context
    kind: Literal["user_to_user", "user_to_service", "group"]
    if group:
        kind = "group"
    elif context is not None and context.type == "service":
        kind = "user_to_service"
    else:
        kind = "user_to_user"
    last = conversation.last_message
    muted = is_muted(me)
    return ConversationOut(
        id=str(conversation.id),
        type=kind,
        is_group=group,
        title=conversation.title if group else (other.name if other else None),
        participant=None if group else other,
        participants=participants,
        context=ContextOut(
            type=context.type if context else "general",
            id=context.id if context else None,
            title=context.title if context else None,
        ),
        last_message=LastMessageOut(
            id=str(last.id),
            content=last.content,
            sender_id=str(last.sender_id) if last.sender_id else None,
            message_type=last.message_type,
            is_mine=last.sender_id == me.user_id,
            created_at=last.created_at,
        )
        if last
        else None,
        unread_count=me.unread_count,
        muted=muted,
        muted_until=None if (me.muted_forever or not muted) else me.muted_until,
        archived=me.archived,
        role=me.role,
        is_closed=conversation.closed_at is not None,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
    )


async def conversations_out(user_id: ObjectId, mine: list[Participant]) -> list[ConversationOut]:
    ids = [p.conversation_id for p in mine]
    conversations = {c.id: c for c in await Conversation.find({"_id": {"$in": ids}}).to_list()}
    members: dict[ObjectId, list[Participant]] = {}
    for member in await Participant.find({"conversation_id": {"$in": ids}}).to_list():
        members.setdefault(member.conversation_id, []).append(member)
    people = await People.load(m.user_id for group in members.values() for m in group)
    out = []
    for participant in mine:
        conversation = conversations.get(participant.conversation_id)
        if conversation is not None:
            group = sorted(members.get(id_of(conversation), []), key=lambda m: m.joined_at)
            out.append(conversation_out(conversation, participant, group, people))
    return out


async def one_conversation_out(conversation: Conversation, me: Participant) -> ConversationOut:
    members = (
        await Participant.find({"conversation_id": conversation.id}).sort("+joined_at").to_list()
    )
    people = await People.load(m.user_id for m in members)
    return conversation_out(conversation, me, members, people)


async def files_of(messages: Iterable[Message]) -> dict[str, media.MediaFile]:
    """The attachments of messages about to be shown, in one query."""
    return await attachments.load(
        file_id for message in messages if not message.is_deleted for file_id in message.attachments
    )


def message_out(
    message: Message,
    viewer: ObjectId | None,
    people: People,
    others_count: int,
    files: Mapping[str, media.MediaFile],
) -> MessageOut:
    """``others_count``: how many participants besides the sender should read it;
    ``files``: the attachments (:func:`files_of`)."""
    mine = viewer is not None and message.sender_id == viewer
    receipts = [r for r in message.read_by if r.user_id != message.sender_id]
    if mine:
        is_read = others_count > 0 and len(receipts) >= others_count
        read_at = max((r.read_at for r in receipts), default=None) if is_read else None
    else:
        own = next((r for r in receipts if r.user_id == viewer), None)
        is_read = own is not None
        read_at = own.read_at if own else None
    reply = message.reply_to
    return MessageOut(
        id=str(message.id),
        conversation_id=str(message.conversation_id),
        sender_id=str(message.sender_id) if message.sender_id else None,
        sender=people.sender(message.sender_id),
        content="" if message.is_deleted else message.content,
        message_type=message.message_type,
        attachments=[] if message.is_deleted else attachments.out(message.attachments, files),
        reply_to=ReplyOut(
            id=str(reply.id),
            content=reply.content,
            sender_id=str(reply.sender_id) if reply.sender_id else None,
            message_type=reply.message_type,
        )
        if reply
        else None,
        event=EventOut(id=message.event.id, title=message.event.title) if message.event else None,
        data=message.data,
        reactions=[ReactionOut.of(r) for r in message.reactions],
        read_by=[ReceiptOut.of(r) for r in receipts],
        is_mine=mine,
        is_read=is_read,
        read_at=read_at,
        is_deleted=message.is_deleted,
        client_id=message.client_id if mine else None,
        created_at=message.created_at,
    )
