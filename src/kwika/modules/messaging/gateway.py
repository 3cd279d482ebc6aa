"""Socket.IO events of messaging (documents/realtime.md). Each handler's return value is
the acknowledgement the client receives, wrapped as ``{"success", "message", "data"}``
(errors as the API's error envelope)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kwika.core.errors import ValidationFailed
from kwika.core.module import SocketHandler
from kwika.core.realtime import Connection, emit_to_connection
from kwika.core.schemas import RequestSchema
from kwika.modules.messaging.constants import EVENT_MESSAGE_SENT
from kwika.modules.messaging.schemas import DirectMessageIn, MarkReadIn
from kwika.modules.messaging.services import changes, flows, receipts


class ConversationRef(RequestSchema):
    conversation_id: str = Field(min_length=1, max_length=64)


class ReadIn(ConversationRef, MarkReadIn):
    pass


def _payload(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "Send an object")
    return data


async def send_message(connection: Connection, data: Any) -> dict[str, Any]:
    """``{conversation_id | receiver_id, content, attachments?, reply_to?, client_id?}``:
    the sender's socket gets ``message_sent``, everyone else ``new_message``."""
    body = DirectMessageIn.model_validate(_payload(data))
    message = await flows.send_anywhere(connection.user_id, body, origin_sid=connection.sid)
    payload = message.model_dump(mode="json")
    await emit_to_connection(connection.sid, EVENT_MESSAGE_SENT, payload)
    return payload


async def typing(connection: Connection, data: Any) -> None:
    ref = ConversationRef.model_validate(_payload(data))
    await changes.typing(connection.user_id, ref.conversation_id, True)


async def stop_typing(connection: Connection, data: Any) -> None:
    ref = ConversationRef.model_validate(_payload(data))
    await changes.typing(connection.user_id, ref.conversation_id, False)


async def _read(connection: Connection, data: Any) -> dict[str, Any]:
    body = ReadIn.model_validate(_payload(data))
    result = await receipts.mark_read(connection.user_id, body.conversation_id, body.message_ids)
    return result.model_dump(mode="json")


async def mark_read(connection: Connection, data: Any) -> dict[str, Any]:
    """``{conversation_id, message_ids?}``: read receipts (``messages_read`` to the others)."""
    return await _read(connection, data)


async def messages_read(connection: Connection, data: Any) -> dict[str, Any]:
    """The same as ``mark_read``, under the name of the event it causes."""
    return await _read(connection, data)


# Declared through messaging's ModuleSpec; the registry registers them with the server.
HANDLERS = [
    SocketHandler("send_message", send_message),
    SocketHandler("typing", typing),
    SocketHandler("stop_typing", stop_typing),
    SocketHandler("mark_read", mark_read),
    SocketHandler("messages_read", messages_read),
]
