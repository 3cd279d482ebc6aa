"""The outermost ASGI layer: request id, real client address, access log, security headers,
and enqueueing a request's background messages only once it has succeeded."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kwika.core.broker import defer_messages, flush
from kwika.core.net import Network, client_address, header, is_secure

log = logging.getLogger("kwika.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

_BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, trusted: tuple[Network, ...], hsts_max_age: int) -> None:
        self.app = app
        self.trusted = trusted
        self.hsts = f"max-age={hsts_max_age}; includeSubDomains".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw: dict[str, Any] = scope  # type: ignore[assignment]
        supplied = header(raw, b"x-request-id") or ""
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        # A per-request copy of the lifespan state (as the ASGI spec asks of servers; not
        # every test transport does it, and Litestar caches request data in it).
        state = raw["state"] = dict(raw.get("state") or {})
        state["request_id"] = request_id
        state["client_ip"] = client_address(raw, self.trusted)
        if scope["type"] == ScopeType.WEBSOCKET:
            await self.app(scope, receive, send)
            return
        secure = is_secure(raw, self.trusted)
        started = time.perf_counter()
        status = {"code": 500}

        with defer_messages() as held:

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status["code"] = message["status"]
                    if message["status"] < 400 and held:
                        await _flush_quietly(held, request_id)
                    headers = list(message.get("headers", []))
                    headers.append((b"x-request-id", request_id.encode()))
                    headers.extend(_BASE_HEADERS)
                    if secure:
                        headers.append((b"strict-transport-security", self.hsts))
                    message["headers"] = headers
                await send(message)

            try:
                await self.app(scope, receive, send_with_headers)
            finally:
                log.info(
                    "%s %s %s %.1fms",
                    scope.get("method"),
                    scope.get("path"),
                    status["code"],
                    (time.perf_counter() - started) * 1000,
                    extra={"request_id": request_id, "client_ip": state["client_ip"]},
                )


async def _flush_quietly(held: list[Any], request_id: str) -> None:
    try:
        await flush(held)
    except Exception:
        # The work is recorded in MongoDB first; the stale-work sweeper sends it later.
        log.exception("could not enqueue background work", extra={"request_id": request_id})
    held.clear()
