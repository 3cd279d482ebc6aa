"""Messaging: direct and group conversations, messages, the real-time gateway.

Public API for other modules (bookings, jobs, events tie conversations to their objects):

* :func:`start_conversation`: the direct conversation of two users about a context
  (``{"type": "booking", "id": ...}``), started when needed; returns its id.
* :func:`post_system_message`: an application message in a conversation (a booking was
  accepted, a quote arrived); it shows live and in history, and is not counted as unread.
"""

from __future__ import annotations

from bson import ObjectId

from kwika.core.ids import parse_id
from kwika.modules.messaging.documents import ConversationContext
from kwika.modules.messaging.schemas import MessageOut
from kwika.modules.messaging.services.conversations import get_or_create_direct
from kwika.modules.messaging.services.messages import post_system_message


async def start_conversation(
    user_id: ObjectId | str,
    other_user_id: ObjectId | str,
    context_type: str | None = None,
    context_id: str | None = None,
    context_title: str | None = None,
) -> str:
    context = (
        ConversationContext(type=context_type, id=context_id, title=context_title)
        if context_type and context_type != "general"
        else None
    )
    conversation, _ = await get_or_create_direct(
        parse_id(user_id, "User"), parse_id(other_user_id, "User"), context
    )
    return str(conversation.id)


__all__ = ["MessageOut", "post_system_message", "start_conversation"]
