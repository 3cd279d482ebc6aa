"""The notifications module's named errors. ``documents/error-codes.md`` is generated from
this file."""

from __future__ import annotations

from kwika.core.errors import BadRequest, Gone, NotFound


class NotificationNotFound(NotFound):
    default_message = "Notification not found"


class PushTokenNotFound(NotFound):
    default_message = "Push token not found"


class UnsubscribeLinkExpired(Gone):
    code = "LINK_EXPIRED"
    default_message = "This unsubscribe link has expired"


class UnsubscribeLinkInvalid(BadRequest):
    code = "INVALID_TOKEN"
    default_message = "This unsubscribe link is not valid"
