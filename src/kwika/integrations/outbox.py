"""Development adapter: every outgoing message becomes one JSON line in a file."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path

from kwika.core import clock
from kwika.integrations.base import OutgoingMessage


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, message: OutgoingMessage) -> str | None:
        line = json.dumps(
            {
                "channel": message.channel,
                "to": message.to,
                "subject": message.subject,
                "body": message.body,
                "template": message.template,
                "data": message.data,
                "created_at": clock.now().isoformat().replace("+00:00", "Z"),
            },
            default=str,
        )
        await asyncio.to_thread(self._append, line + "\n")
        return f"outbox-{uuid.uuid4().hex}"

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write() on an O_APPEND descriptor keeps lines whole across processes.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def read(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        return [json.loads(x) for x in self.path.read_text().splitlines() if x.strip()]
