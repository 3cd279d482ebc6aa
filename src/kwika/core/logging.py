"""Logging set-up: one line per request, errors with their request context.

Whatever a client controls (a path, a header, a field) can reach a log line, so the text
format escapes every control character (a ``%0a`` in a path cannot start a line that looks
like another record) and indents tracebacks; the JSON format escapes them as JSON does.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

from kwika.core import clock

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape(text: str) -> str:
    """``text`` with control characters written as escapes (``\\n``, ``\\x1b``...)."""
    return _CONTROL.sub(_escape_one, text) if _CONTROL.search(text) else text


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``, always one line per record; a traceback follows on
    lines indented by two spaces."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape(record.getMessage())
        record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        details: list[str] = []
        if record.exc_info:
            details.append(self.formatException(record.exc_info))
        elif record.exc_text:
            details.append(record.exc_text)
        if record.stack_info:
            details.append(self.formatStack(record.stack_info))
        for block in details:
            line += "".join(f"\n  {escape(part)}" for part in block.splitlines())
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": clock.now().isoformat().replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure(level: str = "INFO", as_json: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if as_json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "dramatiq", "pika", "asyncio", "aiosmtpd", "mail.log"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
