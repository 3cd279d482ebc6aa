"""Messaging limits and names that do not depend on settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

MAX_CONTENT = 5000
PREVIEW_LENGTH = 100

MuteDuration = Literal["1h", "8h", "24h", "7d", "forever"]
MUTE_DURATIONS: dict[str, timedelta | None] = {
    "1h": timedelta(hours=1),
    "8h": timedelta(hours=8),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "forever": None,
}

# Socket.IO events the server emits (documents/realtime.md).
EVENT_NEW_MESSAGE = "new_message"
EVENT_MESSAGE_SENT = "message_sent"
EVENT_USER_TYPING = "user_typing"
EVENT_MESSAGES_READ = "messages_read"
EVENT_MESSAGE_DELETED = "message_deleted"
EVENT_MESSAGE_REACTION = "message_reaction"
EVENT_CONVERSATION_UPDATED = "conversation_updated"

# A filter of seed 003 11.1 (`filter=`) and the extra ones.
ConversationFilter = Literal[
    "all", "unread", "service", "event", "booking", "job", "group", "direct", "archived"
]
