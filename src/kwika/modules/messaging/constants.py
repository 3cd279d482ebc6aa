"""Messaging limits and names that do not depend on settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

MAX_CONTENT = 5000
# Seed 003 11.3: up to 5 files per message (media's `message_attachment` context limits each
# to 10 MB); the send routes' body limit follows from it.
MAX_ATTACHMENTS = 5
ATTACHMENT_CONTEXT = "message_attachment"
MULTIPART_OVERHEAD = 1024 * 1024
PREVIEW_LENGTH = 100

# The roles a group admin may give (the owner is whoever created the group, or inherited it).
GrantedRole = Literal["admin", "member"]

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
