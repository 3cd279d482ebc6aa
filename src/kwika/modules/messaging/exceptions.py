"""Messaging's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from kwika.core.errors import BadRequest, Conflict, Forbidden, NotFound


class ConversationNotFound(NotFound):
    default_message = "Conversation not found"


class MessageNotFound(NotFound):
    default_message = "Message not found"


class ParticipantNotFound(NotFound):
    default_message = "Participant not found"


class UserNotFound(NotFound):
    default_message = "User not found"


class SelfConversation(BadRequest):
    code = "SELF_CONVERSATION"
    default_message = "You cannot start a conversation with yourself"


class ConversationClosed(Conflict):
    code = "CONVERSATION_CLOSED"
    default_message = "This conversation is closed: the other person's account no longer exists"


class NotYourMessage(Forbidden):
    code = "NOT_YOUR_MESSAGE"
    default_message = "You can only delete your own messages"


class NotAGroup(BadRequest):
    code = "NOT_A_GROUP"
    default_message = "Only group conversations have members to manage"


class NotGroupAdmin(Forbidden):
    code = "NOT_GROUP_ADMIN"
    default_message = "Only the group's admins can do this"


class OwnerCannotBeRemoved(Forbidden):
    code = "NOT_GROUP_ADMIN"
    default_message = "The group's owner cannot be removed"


class OwnerStaysAdmin(Conflict):
    code = "OWNER_STAYS_ADMIN"
    default_message = "The group's owner stays its admin"


class NotGroupOwner(Forbidden):
    code = "NOT_GROUP_OWNER"
    default_message = "Only the group's owner can take another admin's role away"
