"""Seed 003 module 11 paths (canonical) and seed 002's forms: conversations, history,
sending, receipts, reactions, archive and mute."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core.auth import CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.openapi import described
from kwika.core.pagination import Paging
from kwika.modules.messaging.constants import ConversationFilter
from kwika.modules.messaging.controllers.common import BEARER, TAGS, After, Before, send_form
from kwika.modules.messaging.schemas import (
    ArchiveIn,
    ArchiveOut,
    ConversationPage,
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
)
from kwika.modules.messaging.services import (
    changes,
    conversations,
    flows,
    history,
    receipts,
)
from kwika.modules.messaging.services.attachments import SEND_BODY_LIMIT


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
        # Seed 003 11.1.
        """Most recent activity first, with the other person (online status,
        last seen), context, last message, my unread count, mute and archive state.
        `summary` counts all my conversations and unread messages."""
        return ok(
            await conversations.list_conversations(principal.id, paging, filter_),
            "Conversations retrieved",
        )

    @get("/unread-count", summary="Unread messages", responses=errors(401))
    async def unread_count(self, principal: CurrentPrincipal) -> Envelope[UnreadOut]:
        # Seed 002.
        """Unread messages in all conversations, and how many conversations."""
        return ok(await receipts.unread(principal.id), "Unread count retrieved")

    @post(
        "/start",
        summary="Start a conversation",
        responses=errors(401, 404, 429),
        opt=described(
            request={
                "recipient_id": "6650f1c2a9d3e41b2c7a9f01",
                "content": "Hello! Are you free on 14 June?",
                "context": {"type": "service", "id": "6650f1c2a9d3e41b2c7a9f02"},
            }
        ),
    )
    async def start(
        self, principal: CurrentPrincipal, data: JSONBody[StartConversationIn]
    ) -> Envelope[StartedOut]:
        # Seed 003 11.4.
        """A direct conversation with `recipient_id`, optionally about a
        `context` (`service`, `booking`, `event`, `job` with its `id`), and its first
        message. Starting it again (same person, same context) continues the same
        conversation. Unknown recipient: 404.

        The context's title is never yours: a `service` context (a service or an
        experience id) must exist and be active, or be your or the recipient's (404
        `Service not found` otherwise), and shows the listing's own title; `booking`,
        `event` and `job` contexts keep their id with `title: null`. A `title` you send is
        ignored."""
        return ok(await flows.start(principal.id, data), "Conversation started")

    @post(
        "/",
        summary="Send a message (to a conversation or a user)",
        middleware=[send_form()],
        request_max_body_size=SEND_BODY_LIMIT,
        responses=errors(401, 404, 409, 413, 429),
    )
    async def send_anywhere(
        self, principal: CurrentPrincipal, data: JSONBody[DirectMessageIn]
    ) -> Envelope[MessageOut]:
        # Seed 002 `POST /messages`.
        """Give `conversation_id`, or `receiver_id` to write to that
        user's direct conversation (started when needed). Everything else, attachments
        included (files as multipart `attachments` parts and/or ids of your uploads), works
        as in `POST /messages/{conversationId}`."""
        return ok(await flows.send_anywhere(principal.id, data), "Message sent")

    @get("/conversation/{user_id:str}", summary="Messages with a user", responses=errors(401))
    async def with_user(
        self, principal: CurrentPrincipal, user_id: FromPath[str], paging: Paging, before: Before
    ) -> Envelope[MessagePage]:
        # Seed 002.
        """The direct conversation with this user (no context), newest first;
        empty (and `conversation: null`) when you have not talked yet."""
        return ok(
            await history.history_with(principal.id, user_id, paging, before),
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
        # Seed 003 11.2.
        """Newest first. Scroll back with `before=<next_cursor>`; fetch what
        arrived since a message with `after=<id>`. Each message has its read receipts
        (`read_by`), `is_read`/`read_at` from your point of view, reactions, reply and
        deletion state. Only participants: anyone else gets 404."""
        return ok(
            await history.history(principal.id, conversation_id, paging, before, after),
            "Messages retrieved",
        )

    @post(
        "/{conversation_id:str}",
        summary="Send a message",
        opt=described(request={"content": "Great, see you then!", "client_id": "c-7f3a"}),
        middleware=[send_form()],
        request_max_body_size=SEND_BODY_LIMIT,
        responses=errors(401, 404, 409, 413, 429),
    )
    async def send(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[SendMessageIn],
    ) -> Envelope[MessageOut]:
        # Seed 003 11.3.
        """Text (`content`, up to 5000 characters), up to 5 `attachments`,
        `reply_to` (a message id of this conversation; in a group, one sent since you
        joined), or an event invitation (`message_type: "event_invitation"` with
        `event_id`; its `event.title` is null until the events module exists, and an
        `event_title` you send is ignored). JSON or form fields.

        **Attachments**: send `multipart/form-data` with the files as `attachments` parts
        (repeat the field, or `attachments[]`; images, videos, PDF/DOC/DOCX, each at most
        10 MB, the type read from the content), and/or the ids of files you uploaded before
        (`POST /uploads/direct` with `context=message_attachment`) as `attachments` values.
        Another user's file is 404; a file uploaded for another context is 400 on
        `attachments.<n>`; a refused message keeps none of the files it uploaded. Each
        attachment comes back with `type`, `name`, `url`/`file_url` (signed, expiring: read
        the message again for a fresh one), `thumbnail_url`, `mime_type`/`content_type`,
        `size_bytes`/`file_size` and `dimensions`.

        `client_id` makes a retry to the same conversation return the first message
        instead of a duplicate (the same `client_id` in another conversation is another
        message). Participants receive it live (`new_message`); offline ones get a
        notification moments later (a background job) unless they muted the conversation.
        409 `CONVERSATION_CLOSED` when the other person's account was erased; 413 above
        51 MB; 429 when sending too fast."""
        return ok(await flows.send_body(principal.id, conversation_id, data), "Message sent")

    @put("/{conversation_id:str}/read", summary="Mark messages as read", responses=errors(401, 404))
    async def mark_read(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[MarkReadIn | None] = None,
    ) -> Envelope[ReadResultOut]:
        # Seed 003 11.5; seed 002 sends a message id on the same path.
        """With a conversation id: `{"message_ids": [...]}` marks those,
        no body (or no ids) marks the whole conversation read. `PUT
        /messages/{id}/read` with a message id marks that message. The other participants
        see it live (`messages_read`)."""
        ids = data.message_ids if data else None
        if ids is None:
            result = await receipts.mark_read_by_id(principal.id, conversation_id)
        else:
            result = await receipts.mark_read(principal.id, conversation_id, ids)
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
        # Seed 003 11.6.
        """Soft delete; the message stays in place, empty, with
        `is_deleted: true` (`message_deleted` live). Only its sender may delete it (403)."""
        await changes.delete(principal.id, conversation_id, message_id)
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
        # Seed 004 5.2.
        """One reaction per person; reacting again replaces yours
        (`message_reaction` live)."""
        return ok(
            await changes.react(principal.id, conversation_id, message_id, data.emoji),
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
            await changes.react(principal.id, conversation_id, message_id, None),
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
        # Seed 003 11.7.
        """For you only. `{"archived": false}` restores it. A new message
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
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[MuteIn | None] = None,
    ) -> Envelope[MuteOut]:
        # Seed 003 11.8.
        """For you only: `{"muted": true, "duration": "1h|8h|24h|7d|forever"}`
        (forever when no duration; no body at all mutes forever too), `{"muted": false}`
        unmutes. A muted conversation sends you no notifications; messages still arrive
        live and count as unread."""
        result = await conversations.mute(principal.id, conversation_id, data or MuteIn())
        return ok(result, "Conversation muted" if result.muted else "Conversation unmuted")
