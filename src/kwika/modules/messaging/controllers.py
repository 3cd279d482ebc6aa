"""Messaging endpoints: seed 003 module 11 paths (canonical), seed 002's and seed 004's
forms of the same operations."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core.auth import CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson
from kwika.core.pagination import Paging
from kwika.modules.messaging.constants import ConversationFilter
from kwika.modules.messaging.schemas import (
    AddParticipantsIn,
    ArchiveIn,
    ArchiveOut,
    ConversationOut,
    ConversationPage,
    CreateConversationIn,
    DirectMessageIn,
    MarkReadIn,
    MessageOut,
    MessagePage,
    MuteIn,
    MuteOut,
    ReactionIn,
    ReadResultOut,
    SendMessageIn,
    StartConversationIn,
    StartedOut,
    UnreadOut,
    UpdateConversationIn,
)
from kwika.modules.messaging.services import conversations, flows, messages

BEARER = [{"BearerToken": []}]
TAGS = ["Messages"]

Before = Annotated[
    str | None,
    QueryParameter(name="before", description="Message id: older messages than this one"),
]
After = Annotated[
    str | None, QueryParameter(name="after", description="Message id: newer messages only")
]


class MessagesController(Controller):
    path = "/messages"
    tags = TAGS
    guards = [require_user]
    security = BEARER

    @get("/conversations", summary="My conversations", responses=errors(401))
    async def list_conversations(
        self,
        principal: CurrentPrincipal,
        paging: Paging,
        filter_: Annotated[
            ConversationFilter,
            QueryParameter(
                name="filter",
                description="all (not archived), unread, service, event, booking, job, "
                "group, direct, archived",
            ),
        ] = "all",
    ) -> Envelope[ConversationPage]:
        """Seed 003 11.1: most recent activity first, with the other person (online status,
        last seen), context, last message, my unread count, mute and archive state.
        `summary` counts all my conversations and unread messages."""
        return ok(
            await conversations.list_conversations(principal.id, paging, filter_),
            "Conversations retrieved",
        )

    @get("/unread-count", summary="Unread messages", responses=errors(401))
    async def unread_count(self, principal: CurrentPrincipal) -> Envelope[UnreadOut]:
        """Seed 002: unread messages in all conversations, and how many conversations."""
        return ok(await messages.unread(principal.id), "Unread count retrieved")

    @post("/start", summary="Start a conversation", responses=errors(401, 404, 429))
    async def start(
        self, principal: CurrentPrincipal, data: JSONBody[StartConversationIn]
    ) -> Envelope[StartedOut]:
        """Seed 003 11.4: a direct conversation with `recipient_id`, optionally about a
        `context` (`service`, `booking`, `event`, `job` with its `id`), and its first
        message. Starting it again (same person, same context) continues the same
        conversation. Unknown recipient: 404."""
        return ok(await flows.start(principal.id, data), "Conversation started")

    @post(
        "/",
        summary="Send a message (to a conversation or a user)",
        middleware=[FormAsJson()],
        responses=errors(401, 404, 429),
    )
    async def send_anywhere(
        self, principal: CurrentPrincipal, data: JSONBody[DirectMessageIn]
    ) -> Envelope[MessageOut]:
        """Seed 002 `POST /messages`: give `conversation_id`, or `receiver_id` to write to that
        user's direct conversation (started when needed). Text (`content`, up to 5000
        characters), `attachments` (up to 5 media ids), `reply_to` (a message id of this
        conversation), or an event invitation (`message_type: "event_invitation"` with
        `event_id`). Send JSON or multipart form fields; file parts are refused for now
        (upload files through the media service, then send their ids). `client_id` makes a
        retry return the first message instead of a duplicate. Participants receive it live
        (`new_message`); offline ones get a notification unless they muted the conversation.
        429 when sending too fast."""
        return ok(await flows.send_anywhere(principal.id, data), "Message sent")

    @get("/conversation/{user_id:str}", summary="Messages with a user", responses=errors(401))
    async def with_user(
        self, principal: CurrentPrincipal, user_id: FromPath[str], paging: Paging, before: Before
    ) -> Envelope[MessagePage]:
        """Seed 002: the direct conversation with this user (no context), newest first;
        empty (and `conversation: null`) when you have not talked yet."""
        return ok(
            await messages.history_with(principal.id, user_id, paging, before),
            "Messages retrieved",
        )

    @get("/{conversation_id:str}", summary="Messages of a conversation", responses=errors(401, 404))
    async def history(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        paging: Paging,
        before: Before,
        after: After,
    ) -> Envelope[MessagePage]:
        """Seed 003 11.2: newest first. Scroll back with `before=<next_cursor>`; fetch what
        arrived since a message with `after=<id>`. Each message has its read receipts
        (`read_by`), `is_read`/`read_at` from your point of view, reactions, reply and
        deletion state. Only participants: anyone else gets 404."""
        return ok(
            await messages.history(principal.id, conversation_id, paging, before, after),
            "Messages retrieved",
        )

    @post(
        "/{conversation_id:str}",
        summary="Send a message",
        middleware=[FormAsJson()],
        responses=errors(401, 404, 429),
    )
    async def send(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[SendMessageIn],
    ) -> Envelope[MessageOut]:
        """Seed 003 11.3. Text (`content`, up to 5000 characters), `attachments` (up to 5 media
        ids), `reply_to` (a message id of this conversation), or an event invitation
        (`message_type: "event_invitation"` with `event_id`). Send JSON or multipart form
        fields; file parts are refused for now (upload files through the media service, then
        send their ids). `client_id` makes a retry return the first message instead of a
        duplicate. Participants receive it live (`new_message`); offline ones get a
        notification unless they muted the conversation. 429 when sending too fast."""
        return ok(await flows.send_body(principal.id, conversation_id, data), "Message sent")

    @put("/{conversation_id:str}/read", summary="Mark messages as read", responses=errors(401, 404))
    async def mark_read(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[MarkReadIn | None] = None,
    ) -> Envelope[ReadResultOut]:
        """Seed 003 11.5 with a conversation id: `{"message_ids": [...]}` marks those,
        no body (or no ids) marks the whole conversation read. Seed 002 `PUT
        /messages/{id}/read` with a message id marks that message. The other participants
        see it live (`messages_read`)."""
        ids = data.message_ids if data else None
        if ids is None:
            result = await messages.mark_read_by_id(principal.id, conversation_id)
        else:
            result = await messages.mark_read(principal.id, conversation_id, ids)
        return ok(result, "Messages marked as read")

    @delete(
        "/{conversation_id:str}/messages/{message_id:str}",
        status_code=200,
        summary="Delete my message",
        responses=errors(401, 403, 404),
    )
    async def delete_message(
        self, principal: CurrentPrincipal, conversation_id: FromPath[str], message_id: FromPath[str]
    ) -> Envelope[None]:
        """Seed 003 11.6: soft delete; the message stays in place, empty, with
        `is_deleted: true` (`message_deleted` live). Only its sender may delete it (403)."""
        await messages.delete(principal.id, conversation_id, message_id)
        return ok(None, "Message deleted")

    @post(
        "/{conversation_id:str}/messages/{message_id:str}/reactions",
        status_code=200,
        summary="React to a message",
        responses=errors(401, 404),
    )
    async def react(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        message_id: FromPath[str],
        data: JSONBody[ReactionIn],
    ) -> Envelope[MessageOut]:
        """Seed 004 5.2: one reaction per person; reacting again replaces yours
        (`message_reaction` live)."""
        return ok(
            await messages.react(principal.id, conversation_id, message_id, data.emoji),
            "Reaction saved",
        )

    @delete(
        "/{conversation_id:str}/messages/{message_id:str}/reactions",
        status_code=200,
        summary="Remove my reaction",
        responses=errors(401, 404),
    )
    async def unreact(
        self, principal: CurrentPrincipal, conversation_id: FromPath[str], message_id: FromPath[str]
    ) -> Envelope[MessageOut]:
        """Removes your reaction, if any."""
        return ok(
            await messages.react(principal.id, conversation_id, message_id, None),
            "Reaction removed",
        )

    @post(
        "/{conversation_id:str}/archive",
        status_code=200,
        summary="Archive a conversation",
        responses=errors(401, 404),
    )
    async def archive(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[ArchiveIn | None] = None,
    ) -> Envelope[ArchiveOut]:
        """Seed 003 11.7, for you only. `{"archived": false}` restores it. A new message
        brings it back to your list."""
        archived = data.archived if data else True
        result = await conversations.archive(principal.id, conversation_id, archived)
        return ok(result, "Conversation archived" if archived else "Conversation restored")

    @post(
        "/{conversation_id:str}/unarchive",
        status_code=200,
        summary="Restore an archived conversation",
        responses=errors(401, 404),
    )
    async def unarchive(
        self, principal: CurrentPrincipal, conversation_id: FromPath[str]
    ) -> Envelope[ArchiveOut]:
        """The same as archiving with `{"archived": false}`."""
        return ok(
            await conversations.archive(principal.id, conversation_id, False),
            "Conversation restored",
        )

    @post(
        "/{conversation_id:str}/mute",
        status_code=200,
        summary="Mute or unmute a conversation",
        responses=errors(401, 404),
    )
    async def mute(
        self, principal: CurrentPrincipal, conversation_id: FromPath[str], data: JSONBody[MuteIn]
    ) -> Envelope[MuteOut]:
        """Seed 003 11.8, for you only: `{"muted": true, "duration": "1h|8h|24h|7d|forever"}`
        (forever when no duration). A muted conversation sends you no notifications;
        messages still arrive live and count as unread."""
        result = await conversations.mute(principal.id, conversation_id, data)
        return ok(result, "Conversation muted" if result.muted else "Conversation unmuted")


class ConversationsController(Controller):
    """Seed 004 5.3's paths, plus group management."""

    path = "/conversations"
    tags = TAGS
    guards = [require_user]
    security = BEARER

    @post("/", summary="Create a conversation", responses=errors(401, 404, 429))
    async def create(
        self, principal: CurrentPrincipal, data: JSONBody[CreateConversationIn]
    ) -> Envelope[StartedOut]:
        """`type: "direct"` with one `participant_ids` entry finds or starts the direct
        conversation; `type: "group"` creates a group (you are its owner; up to 256
        people) with an optional `title`. Optional first message `content`."""
        return ok(await flows.create(principal.id, data), "Conversation created")

    @get("/", summary="My conversations", responses=errors(401))
    async def list_conversations(
        self,
        principal: CurrentPrincipal,
        paging: Paging,
        filter_: Annotated[ConversationFilter, QueryParameter(name="filter")] = "all",
    ) -> Envelope[ConversationPage]:
        """The same as `GET /messages/conversations`."""
        return ok(
            await conversations.list_conversations(principal.id, paging, filter_),
            "Conversations retrieved",
        )

    @get("/{conversation_id:str}", summary="One conversation", responses=errors(401, 404))
    async def get_one(
        self, principal: CurrentPrincipal, conversation_id: FromPath[str]
    ) -> Envelope[ConversationOut]:
        """Participants (with roles in groups), context, my unread count, mute, archive."""
        return ok(await conversations.get(principal.id, conversation_id), "Conversation retrieved")

    @patch("/{conversation_id:str}", summary="Rename a group", responses=errors(401, 403, 404))
    async def rename(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[UpdateConversationIn],
    ) -> Envelope[ConversationOut]:
        """Group owners and admins only."""
        return ok(
            await flows.rename(principal.id, conversation_id, data.title), "Conversation updated"
        )

    @get(
        "/{conversation_id:str}/messages",
        summary="Messages of a conversation",
        responses=errors(401, 404),
    )
    async def history(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        paging: Paging,
        before: Before,
        after: After,
    ) -> Envelope[MessagePage]:
        """The same as `GET /messages/{conversationId}`."""
        return ok(
            await messages.history(principal.id, conversation_id, paging, before, after),
            "Messages retrieved",
        )

    @post(
        "/{conversation_id:str}/messages",
        summary="Send a message",
        middleware=[FormAsJson()],
        responses=errors(401, 404, 429),
    )
    async def send(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[SendMessageIn],
    ) -> Envelope[MessageOut]:
        """The same as `POST /messages/{conversationId}`."""
        return ok(await flows.send_body(principal.id, conversation_id, data), "Message sent")

    @put("/{conversation_id:str}/read", summary="Mark messages as read", responses=errors(401, 404))
    async def mark_read(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[MarkReadIn | None] = None,
    ) -> Envelope[ReadResultOut]:
        """The same as `PUT /messages/{conversationId}/read`."""
        ids = data.message_ids if data else None
        return ok(
            await messages.mark_read(principal.id, conversation_id, ids), "Messages marked as read"
        )

    @post(
        "/{conversation_id:str}/participants",
        status_code=200,
        summary="Add people to a group",
        responses=errors(401, 403, 404),
    )
    async def add_participants(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[AddParticipantsIn],
    ) -> Envelope[ConversationOut]:
        """Group owners and admins only; people already in it are skipped. New members see
        messages from when they joined."""
        return ok(
            await flows.add_members(principal.id, conversation_id, data.user_ids),
            "Participants added",
        )

    @delete(
        "/{conversation_id:str}/participants/{user_id:str}",
        status_code=200,
        summary="Remove someone from a group, or leave it",
        responses=errors(401, 403, 404),
    )
    async def remove_participant(
        self, principal: CurrentPrincipal, conversation_id: FromPath[str], user_id: FromPath[str]
    ) -> Envelope[None]:
        """Your own id: you leave (if you owned it, the longest-standing admin or member
        becomes owner). Someone else's: owners and admins only; the owner cannot be
        removed."""
        await flows.remove_member(principal.id, conversation_id, user_id)
        return ok(None, "Participant removed")


CONTROLLERS = [MessagesController, ConversationsController]
