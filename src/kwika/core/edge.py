"""The outermost ASGI layer: request id, real client address, access log, security headers,
and enqueueing a request's background messages only once it has succeeded.

It wraps Socket.IO too, so ``/socket.io/`` answers carry the same headers and request id.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kwika.core.broker import defer_messages, flush
from kwika.core.net import Network, client_address, is_secure

log = logging.getLogger("kwika.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

_BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_NO_STORE = (b"cache-control", b"no-store")
# Answers that carry tokens, codes or account data even without a bearer token (sign-in,
# refresh, 2FA, staff sign-in, sign-up and verification): never kept by a browser or proxy.
_PRIVATE_PREFIXES = ("/api/v1/auth/", "/api/v1/admin/auth/", "/api/v1/users/", "/api/v1/settings")

# Request ids: a random per-process prefix and a counter (unique, and far cheaper than a
# UUID per request; they identify a request in the logs, they are not secrets).
_ID_PREFIX = os.urandom(8).hex()
_ids = itertools.count(1)


def _reseed() -> None:
    global _ID_PREFIX
    _ID_PREFIX = os.urandom(8).hex()


os.register_at_fork(after_in_child=_reseed)  # server workers forked from one parent


def new_request_id() -> str:
    return f"{_ID_PREFIX}{next(_ids):016x}"  # 32 characters, like a UUID's hex


def _private(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether an answer must not be stored: it belongs to a signed-in caller, or to an
    account route. A handler's own ``Cache-Control`` wins."""
    if path.startswith(_PRIVATE_PREFIXES):
        return True
    return any(key == b"authorization" for key, _ in headers)


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
        request_headers: list[tuple[bytes, bytes]] = raw.get("headers", [])
        supplied = next((v for k, v in request_headers if k == b"x-request-id"), b"")
        request_id = (
            supplied.decode("latin-1")
            if supplied and _REQUEST_ID.match(supplied.decode("latin-1"))
            else new_request_id()
        )
        # A per-request copy of the lifespan state (as the ASGI spec asks of servers; not
        # every test transport does it, and Litestar caches request data in it).
        state = raw["state"] = dict(raw.get("state") or {})
        state["request_id"] = request_id
        state["client_ip"] = client_address(raw, self.trusted)
        if scope["type"] == ScopeType.WEBSOCKET:
            await self.app(scope, receive, send)
            return
        secure = is_secure(raw, self.trusted)
        private = _private(raw["path"], request_headers)
        started = time.perf_counter()
        status = 500

        with defer_messages() as held:

            async def send_with_headers(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    if status < 400 and held:
                        await _flush_quietly(held, request_id)
                    headers = list(message.get("headers", []))
                    if private and not any(k.lower() == b"cache-control" for k, _ in headers):
                        headers.append(_NO_STORE)
                    headers.append((b"x-request-id", request_id.encode()))
                    headers.extend(_BASE_HEADERS)
                    if secure:
                        headers.append((b"strict-transport-security", self.hsts))
                    message["headers"] = headers
                await send(message)

            try:
                await self.app(scope, receive, send_with_headers)
            finally:
                if log.isEnabledFor(logging.INFO):
                    _access(raw, status, started, request_id, state["client_ip"])


def _access(scope: dict[str, Any], status: int, started: float, rid: str, ip: str) -> None:
    """One line per request; the text formatter escapes control characters (a ``%0a`` in
    the path cannot start a line of its own), the JSON one writes the fields."""
    method, path = scope.get("method", ""), scope.get("path", "")
    duration = round((time.perf_counter() - started) * 1000, 1)
    log.info(
        "%s %s %s %.1fms id=%s ip=%s",
        method,
        path,
        status,
        duration,
        rid,
        ip,
        extra={
            "request_id": rid,
            "client_ip": ip,
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration,
        },
    )


async def _flush_quietly(held: list[Any], request_id: str) -> None:
    try:
        await flush(held)
    except Exception:
        # The work is recorded in MongoDB first; the stale-work sweeper sends it later.
        log.exception("could not enqueue background work", extra={"request_id": request_id})
    held.clear()
