"""Seed 004 5.3's `/conversations` paths, plus group management."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core.auth import CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.openapi import described
from kwika.core.pagination import Paging
from kwika.modules.messaging.constants import ConversationFilter
from kwika.modules.messaging.controllers.common import BEARER, TAGS, After, Before, send_form
from kwika.modules.messaging.schemas import (
    AddParticipantsIn,
    ConversationOut,
    ConversationPage,
    CreateConversationIn,
    MarkReadIn,
    MessageOut,
    MessagePage,
    ParticipantRoleIn,
    ReadResultOut,
    SendMessageIn,
    StartedOut,
    UpdateConversationIn,
)
from kwika.modules.messaging.services import (
    conversations,
    flows,
    history,
    receipts,
)
from kwika.modules.messaging.services.attachments import SEND_BODY_LIMIT


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
        people) with an optional `title`. Optional first message `content`. Each
        malformed or unknown id is a 400 entry at its index (`participant_ids.2`). An
        optional `context` follows the rules of `POST /messages/start` (a service's own
        title; none for bookings, events and jobs)."""
        return ok(await flows.create(principal.id, data), "Conversation created")

    @get(
        "/",
        summary="My conversations",
        responses=errors(401),
        opt=described(alias_of="/messages/conversations"),
    )
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
        opt=described(alias_of="/messages/{conversation_id}"),
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
            await history.history(principal.id, conversation_id, paging, before, after),
            "Messages retrieved",
        )

    @post(
        "/{conversation_id:str}/messages",
        summary="Send a message",
        opt=described(alias_of="/messages/{conversation_id}"),
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
        """The same as `POST /messages/{conversationId}` (JSON, or multipart with
        `attachments` files and/or ids)."""
        return ok(await flows.send_body(principal.id, conversation_id, data), "Message sent")

    @put(
        "/{conversation_id:str}/read",
        summary="Mark messages as read",
        responses=errors(401, 404),
        opt=described(alias_of="/messages/{conversation_id}/read"),
    )
    async def mark_read(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        data: JSONBody[MarkReadIn | None] = None,
    ) -> Envelope[ReadResultOut]:
        """The same as `PUT /messages/{conversationId}/read`."""
        ids = data.message_ids if data else None
        return ok(
            await receipts.mark_read(principal.id, conversation_id, ids), "Messages marked as read"
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
        messages from when they joined (earlier ones cannot be replied to, reacted to or
        marked read by them either: they answer as unknown). Each malformed or unknown id
        is a 400 entry at its index (`user_ids.1`)."""
        return ok(
            await flows.add_members(principal.id, conversation_id, data.user_ids),
            "Participants added",
        )

    @patch(
        "/{conversation_id:str}/participants/{user_id:str}",
        summary="Make a group member an admin, or an admin a member",
        responses=errors(400, 401, 403, 404, 409),
    )
    async def set_participant_role(
        self,
        principal: CurrentPrincipal,
        conversation_id: FromPath[str],
        user_id: FromPath[str],
        data: JSONBody[ParticipantRoleIn | None] = None,
    ) -> Envelope[ConversationOut]:
        """`{"role": "admin"}` or `{"role": "member"}`. Group owners and admins promote
        members to admin (403 `NOT_GROUP_ADMIN` for members); only the owner takes another
        admin's role away (403 `NOT_GROUP_OWNER`), and an admin may step down with their own
        id. The owner's role does not change (409 `OWNER_STAYS_ADMIN`), so a group always
        has an admin. Someone not in the group: 404; a direct conversation: 400
        `NOT_A_GROUP`. Setting the role someone already has changes nothing. A change posts
        a system message (`data.action: "role_changed"`, `user_id`, `role`) and emits
        `conversation_updated`; the conversation comes back with everyone's roles."""
        return ok(
            await flows.set_role(
                principal.id, conversation_id, user_id, data.role if data else None
            ),
            "Participant role updated",
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
        """Your own id: you leave (if you owned it, the longest-standing admin, else member,
        becomes owner). Someone else's: owners and admins only; the owner cannot be
        removed."""
        await flows.remove_member(principal.id, conversation_id, user_id)
        return ok(None, "Participant removed")
