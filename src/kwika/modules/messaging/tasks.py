"""Messaging actors."""

from __future__ import annotations

from kwika.core.broker import task
from kwika.core.ids import try_parse_id
from kwika.modules.messaging.services import offline


@task("messaging.notify_offline", max_retries=3)
async def notify_offline(message_id: str) -> None:
    """Notify the offline recipients of a message. Re-reads the message and its members;
    each recipient is claimed on the message first, so running twice notifies no one twice."""
    oid = try_parse_id(message_id)
    if oid is not None:
        await offline.notify_offline(oid)
