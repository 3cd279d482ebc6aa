"""Request and response schemas of the messaging module."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator

from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import IdStr, RequestSchema, ResponseSchema
from kwika.modules.messaging.constants import (
    MAX_ATTACHMENTS,
    MAX_CONTENT,
    GrantedRole,
    MuteDuration,
)
from kwika.modules.messaging.documents import context_type_names, is_context_type

_HEX24 = re.compile(r"^[0-9a-fA-F]{24}$")


def _as_list(value: Any) -> Any:
    """Form fields arrive as one string when there is one value."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return value


def _media_ids(values: list[str]) -> list[str]:
    for value in values:
        if not _HEX24.match(value):
            raise ValueError("Attachments are media ids (24 hexadecimal characters)")
    if len(values) > MAX_ATTACHMENTS:
        raise ValueError(f"At most {MAX_ATTACHMENTS} attachments per message")
    return list(dict.fromkeys(v.lower() for v in values))


# ---------------------------------------------------------------------------- requests


class ContextIn(RequestSchema):
    """What the conversation is about. There is no `title`: the server shows a service's
    own title, and none for bookings, events and jobs (a `title` sent is ignored)."""

    type: str = Field(
        default="general",
        max_length=64,
        description="`general`, `service`, `booking`, `event`, `job`, or a type another "
        "module declares",
    )
    id: str | None = Field(
        default=None,
        max_length=64,
        description="A service or experience id (must exist: 404 otherwise), or the id of "
        "the booking, event or job",
    )

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if not is_context_type(value):
            raise ValueError(f"Unknown context type. Use one of: {', '.join(context_type_names())}")
        return value

    @model_validator(mode="after")
    def _id_for_typed_context(self) -> ContextIn:
        if self.type != "general" and not self.id:
            raise ValueError(f"A {self.type} context needs its id")
        if self.type == "general":
            self.id = None
        return self


class _MessageBody(RequestSchema):
    content: str = Field(default="", max_length=MAX_CONTENT)
    attachments: list[str] = Field(default_factory=list)
    reply_to: str | None = Field(
        default=None, validation_alias=AliasChoices("reply_to", "replyTo", "reply_to_id")
    )
    message_type: Literal["text", "event_invitation"] = Field(
        default="text", validation_alias=AliasChoices("message_type", "messageType", "type")
    )
    event_id: str | None = Field(
        default=None,
        max_length=64,
        description="Event invitations: the event's id. Its title is not taken from you "
        "(`event_title` is ignored): the events module will provide it",
    )
    client_id: str | None = Field(
        default=None,
        max_length=64,
        description="Your temporary id: sending again with the same one returns the first "
        "message instead of a duplicate",
    )

    _list = field_validator("attachments", mode="before")(_as_list)
    _ids = field_validator("attachments")(_media_ids)

    @field_validator("reply_to", "event_id", "client_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _something_to_send(self) -> _MessageBody:
        if self.message_type == "event_invitation" and not self.event_id:
            raise ValueError("An event invitation needs event_id")
        if not self.content.strip() and not self.attachments and not self.event_id:
            raise ValueError("A message needs content, attachments or an event")
        return self


class SendMessageIn(_MessageBody):
    """Seed 003 11.3 (JSON or multipart form fields)."""


class DirectMessageIn(_MessageBody):
    """Seed 002 `POST /messages`: to a conversation, or to a user (their direct
    conversation is found or started)."""

    conversation_id: str | None = None
    receiver_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "receiver_id", "receiverId", "recipient_id", "recipientId", "to"
        ),
    )

    @model_validator(mode="after")
    def _target(self) -> DirectMessageIn:
        if not self.conversation_id and not self.receiver_id:
            raise ValueError("Send to a conversation_id or a receiver_id")
        return self


class StartConversationIn(_MessageBody):
    """Seed 003 11.4."""

    recipient_id: str = Field(
        validation_alias=AliasChoices("recipient_id", "recipientId", "receiver_id", "user_id")
    )
    context: ContextIn | None = None


class CreateConversationIn(RequestSchema):
    """Seed 004 5.3: a direct conversation (one other user) or a group."""

    type: Literal["direct", "group"] = "direct"
    participant_ids: list[str] = Field(
        min_length=1,
        validation_alias=AliasChoices(
            "participant_ids", "participantIds", "participants", "user_ids"
        ),
    )
    title: str | None = Field(default=None, max_length=100)
    context: ContextIn | None = None
    content: str | None = Field(
        default=None, max_length=MAX_CONTENT, description="Optional first message"
    )


class UpdateConversationIn(RequestSchema):
    title: str = Field(min_length=1, max_length=100)


class AddParticipantsIn(RequestSchema):
    user_ids: list[str] = Field(
        min_length=1,
        max_length=100,
        validation_alias=AliasChoices("user_ids", "userIds", "participant_ids"),
    )


class MarkReadIn(RequestSchema):
    message_ids: list[str] | None = Field(
        default=None,
        max_length=500,
        description="Messages to mark read; omit to mark the whole conversation read",
    )


class ParticipantRoleIn(RequestSchema):
    role: GrantedRole = Field(description="admin or member")


class ArchiveIn(RequestSchema):
    archived: bool = True


class MuteIn(RequestSchema):
    muted: bool = True
    duration: MuteDuration | None = Field(
        default=None, description="1h, 8h, 24h, 7d or forever (the default)"
    )


class ReactionIn(RequestSchema):
    emoji: str = Field(min_length=1, max_length=16)

    @field_validator("emoji")
    @classmethod
    def _one_symbol(cls, value: str) -> str:
        if any(ch.isspace() for ch in value):
            raise ValueError("A reaction is one emoji")
        return value


# ---------------------------------------------------------------------------- responses


class ParticipantOut(ResponseSchema):
    id: str
    username: str
    name: str
    first_name: str
    last_name: str
    avatar: str | None
    is_online: bool
    last_seen: datetime | None
    role: str | None = None
    is_deleted: bool = Field(default=False, description="The account was erased")


class ContextOut(ResponseSchema):
    type: str
    id: str | None
    title: str | None


class LastMessageOut(ResponseSchema):
    id: str
    content: str
    sender_id: str | None
    message_type: str
    is_mine: bool
    created_at: datetime


class ConversationOut(ResponseSchema):
    id: str
    type: Literal["user_to_user", "user_to_service", "group"] = Field(
        description="Seed 003: `user_to_service` is a direct conversation about a service"
    )
    is_group: bool
    title: str | None = Field(description="The group's title, or the other person's name")
    participant: ParticipantOut | None = Field(description="Direct conversations: the other person")
    participants: list[ParticipantOut]
    context: ContextOut
    last_message: LastMessageOut | None
    unread_count: int
    muted: bool
    muted_until: datetime | None
    archived: bool
    role: str
    is_closed: bool = Field(
        default=False,
        description="Read only: the other person's account was erased (sending is 409)",
    )
    created_at: datetime
    updated_at: datetime


class ConversationSummary(BaseModel):
    total_conversations: int
    total_unread: int


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    pagination: PaginationMeta
    summary: ConversationSummary


class SenderOut(ResponseSchema):
    id: str
    name: str
    username: str
    avatar: str | None
    is_deleted: bool = Field(default=False, description="The account was erased")


class DimensionsOut(ResponseSchema):
    width: int
    height: int


class AttachmentOut(ResponseSchema):
    """A file of a message. Seed 003 11.2's names (`type`, `name`, `url`, `size_bytes`,
    `mime_type`) and the media service's (`filename`, `file_url`, `file_size`,
    `content_type`) carry the same values."""

    id: str = Field(description="The media file id")
    type: str = Field(description="image, video or document")
    name: str = Field(description="The file's original name")
    filename: str
    url: str | None = Field(
        description="Where to fetch the file: a signed link that expires "
        "(KWIKA_MEDIA__PRIVATE_URL_TTL_SECONDS); fetch the message again for a fresh one"
    )
    file_url: str | None
    thumbnail_url: str | None = Field(description="Images only; signed like `url`")
    mime_type: str
    content_type: str
    size_bytes: int
    file_size: int
    dimensions: DimensionsOut | None = Field(description="Images only")


class ReplyOut(ResponseSchema):
    id: str
    content: str
    sender_id: str | None
    message_type: str


class EventOut(ResponseSchema):
    id: str
    title: str | None


class ReactionOut(ResponseSchema):
    user_id: IdStr
    emoji: str
    created_at: datetime


class ReceiptOut(ResponseSchema):
    user_id: IdStr
    read_at: datetime


class MessageOut(ResponseSchema):
    id: str
    conversation_id: str
    sender_id: str | None
    sender: SenderOut | None
    content: str
    message_type: str
    attachments: list[AttachmentOut]
    reply_to: ReplyOut | None
    event: EventOut | None
    data: dict[str, Any]
    reactions: list[ReactionOut]
    read_by: list[ReceiptOut]
    is_mine: bool
    is_read: bool = Field(
        description="Your messages: read by every other participant; others': read by you"
    )
    read_at: datetime | None
    is_deleted: bool
    client_id: str | None
    created_at: datetime


class MessagePage(BaseModel):
    conversation: ConversationOut | None
    items: list[MessageOut] = Field(description="Newest first")
    pagination: PaginationMeta
    next_cursor: str | None = Field(
        description="Pass as `before` to load older messages; null when there are none"
    )


class StartedOut(BaseModel):
    conversation_id: str
    conversation: ConversationOut
    message: MessageOut | None


class ReadResultOut(BaseModel):
    conversation_id: str
    marked_count: int
    message_ids: list[str]
    unread_count: int


class UnreadOut(BaseModel):
    """Same shape as `GET /notifications/unread-count` (`unread_count`, and `unread` with
    the same number), plus how many conversations have unread messages."""

    unread_count: int = Field(description="Unread messages in all conversations")
    unread: int = Field(description="The same number as `unread_count` (as notifications)")
    conversations: int = Field(description="Conversations with unread messages")

    @model_validator(mode="before")
    @classmethod
    def _one_number(cls, value: Any) -> Any:
        if isinstance(value, dict):
            count = value.get("unread_count", value.get("unread"))
            return {**value, "unread_count": count, "unread": count}
        return value


class MuteOut(BaseModel):
    muted: bool
    muted_until: datetime | None


class ArchiveOut(BaseModel):
    archived: bool
