from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core import clock
from kwika.core.documents import Timestamped
from kwika.core.module import ConversationContextDecl, conversation_contexts

ConversationKind = Literal["direct", "group"]
# "general" or a type declared in ``ModuleSpec.conversation_contexts`` (``CONTEXT_TYPES``).
ContextType = str
MessageType = Literal["text", "attachment", "event_invitation", "system"]
ParticipantRole = Literal["owner", "admin", "member"]


GENERAL = "general"
# Declared in advance for the modules that will own them (bookings, events, jobs); the
# catalogue declares "service" with its resolver. Registered through messaging's own spec.
BUILTIN_CONTEXT_TYPES: tuple[ConversationContextDecl, ...] = (
    ConversationContextDecl("booking", description="A booking"),
    ConversationContextDecl("event", description="An event"),
    ConversationContextDecl("job", description="A job"),
)


def is_context_type(name: str) -> bool:
    return name == GENERAL or name in conversation_contexts


def context_type_names() -> list[str]:
    return [*conversation_contexts.names(), GENERAL]


class ConversationContext(BaseModel):
    """What a conversation is about (seed 003 11.1/11.4)."""

    type: ContextType
    id: str | None = None
    title: str | None = None


class LastMessage(BaseModel):
    id: PydanticObjectId
    sender_id: PydanticObjectId | None = None
    content: str
    message_type: MessageType
    created_at: datetime


class Conversation(Timestamped):
    kind: ConversationKind
    participant_ids: list[PydanticObjectId]
    # Direct conversations only: "<user>:<user>:<context type>:<context id>" with the user
    # ids sorted, so starting the same conversation twice finds the first one.
    direct_key: str | None = None
    title: str | None = None
    created_by: PydanticObjectId
    context: ConversationContext | None = None
    last_message: LastMessage | None = None
    last_message_at: datetime = Field(default_factory=clock.now)
    # Direct conversations whose other person's account was erased: readable, not writable.
    closed_at: datetime | None = None

    class Settings:
        name = "conversations"
        keep_nulls = False
        indexes = [
            IndexModel([("direct_key", ASCENDING)], unique=True, sparse=True),
            IndexModel([("participant_ids", ASCENDING)]),
        ]


class Participant(Document):
    """One member of one conversation: their own unread count, archive and mute."""

    conversation_id: PydanticObjectId
    user_id: PydanticObjectId
    # Copied from the conversation (they never change) so lists filter on one collection.
    kind: ConversationKind
    context_type: ContextType = "general"
    role: ParticipantRole = "member"
    joined_at: datetime = Field(default_factory=clock.now)
    last_activity_at: datetime = Field(default_factory=clock.now)
    unread_count: int = 0
    last_read_at: datetime | None = None
    archived: bool = False
    muted_until: datetime | None = None
    muted_forever: bool = False

    class Settings:
        name = "conversation_participants"
        keep_nulls = False
        indexes = [
            IndexModel([("conversation_id", ASCENDING), ("user_id", ASCENDING)], unique=True),
            IndexModel(
                [("user_id", ASCENDING), ("archived", ASCENDING), ("last_activity_at", DESCENDING)]
            ),
            IndexModel([("user_id", ASCENDING), ("unread_count", ASCENDING)]),
        ]


class ReplySnapshot(BaseModel):
    id: PydanticObjectId
    sender_id: PydanticObjectId | None = None
    content: str
    message_type: MessageType


class EventReference(BaseModel):
    """An event invitation (seed 004 5.2); the events module owns the event."""

    id: str
    title: str | None = None


class Reaction(BaseModel):
    user_id: PydanticObjectId
    emoji: str
    created_at: datetime = Field(default_factory=clock.now)


class ReadReceipt(BaseModel):
    user_id: PydanticObjectId
    read_at: datetime


class Message(Document):
    conversation_id: PydanticObjectId
    sender_id: PydanticObjectId | None = None  # None for system messages
    message_type: MessageType = "text"
    content: str = ""
    # Media ids (24-hex); the media module resolves them to files.
    attachments: list[str] = Field(default_factory=list)
    reply_to: ReplySnapshot | None = None
    event: EventReference | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    # System messages: the people their text names, so erasing an account finds them.
    mentions: list[PydanticObjectId] | None = None
    reactions: list[Reaction] = Field(default_factory=list)
    read_by: list[ReadReceipt] = Field(default_factory=list)
    # "<sender>:<conversation>:<client id>": a client re-sending the same message to the
    # same conversation gets the first one back.
    dedupe_key: str | None = None
    client_id: str | None = None
    # Recipients the offline-notification actor has handled (claimed one by one, so a
    # second run of the actor tells nobody twice). Never shown to clients.
    offline_notified: list[PydanticObjectId] | None = None
    is_deleted: bool = False
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "messages"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("conversation_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]
            ),
            IndexModel([("dedupe_key", ASCENDING)], unique=True, sparse=True),
            # Account erasure: what a person wrote, reacted and was named in.
            IndexModel([("sender_id", ASCENDING)], sparse=True),
            IndexModel([("reactions.user_id", ASCENDING)], sparse=True),
            IndexModel([("mentions", ASCENDING)], sparse=True),
        ]
