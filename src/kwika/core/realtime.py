"""Real time: the Socket.IO server at ``/socket.io/``, presence, and emitting to users.

* Connecting needs a user access token, in the ``auth`` payload (``{"token": ...}``) or an
  ``Authorization: Bearer`` header; a bad, revoked or staff token is refused. Each
  connection joins the room ``user:<id>``, so emitting to a user reaches all their devices.
* Modules declare client events in ``ModuleSpec.socket_handlers`` (their handlers receive
  the connection and the payload; the return value is the acknowledgement, wrapped in the
  API envelope).
  Modules emit with :func:`emit_to_user` / :func:`emit_to_users`.
* With a real Redis (the configured server or the private ``redis-server``) the server uses
  ``AsyncRedisManager``, so an event emitted by any API process reaches clients connected to
  any other; worker processes emit through a write-only manager on the same channel. With
  fakeredis (one process) the in-memory manager is enough.
* Presence lives in Redis: each process refreshes its connections every heartbeat, so a
  crashed process's users turn offline on their own. The heartbeat also closes connections
  whose access token expired or was revoked; clients send a fresh token with the
  ``authenticate`` event before it expires.

Nothing here imports a module: the registry registers the handlers modules declare.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import socketio
from bson import ObjectId
from engineio import packet as engineio_packet
from pydantic import ValidationError

from kwika.config import Settings
from kwika.core import clock, runtime
from kwika.core.auth import authenticate
from kwika.core.broker import defer_messages, flush
from kwika.core.errors import AppError
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.core.tokens import Principal

log = logging.getLogger(__name__)

SOCKETIO_PATH = "socket.io"


@dataclass(frozen=True)
class Connection:
    """The user behind a Socket.IO connection, as proven by their access token."""

    sid: str
    user_id: ObjectId


Handler = Callable[[Connection, Any], Awaitable[Any]]
_handlers: dict[str, Handler] = {}


def on(event: str) -> Callable[[Handler], Handler]:
    """Declare the handler of a client-to-server event (one handler per event). The registry
    calls it for every ``ModuleSpec.socket_handlers`` entry; a server already running
    starts answering the event at once."""

    def register(handler: Handler) -> Handler:
        if event in _handlers and _handlers[event] is not handler:
            raise RuntimeError(f"Socket.IO event '{event}' already has a handler")
        _handlers[event] = handler
        if _gateway is not None:
            _gateway.sio.on(event, _gateway._wrap(handler))
        return handler

    return register


def off(event: str) -> None:
    """Forget an event's handler (a module removed from a running process, in tests)."""
    _handlers.pop(event, None)
    if _gateway is not None:
        _gateway.sio.handlers.get("/", {}).pop(event, None)


def user_room(user_id: ObjectId | str) -> str:
    return f"user:{user_id}"


# ---------------------------------------------------------------------------- presence


def _presence_key(user_id: ObjectId | str) -> str:
    return redis_key("rt", "presence", user_id)


def _seen_key(user_id: ObjectId | str) -> str:
    return redis_key("rt", "seen", user_id)


@dataclass(frozen=True)
class Presence:
    is_online: bool
    last_seen: datetime | None


async def presence_of(user_ids: Iterable[ObjectId | str]) -> dict[str, Presence]:
    """Whether each user has a live connection on any API process, and when they were last
    connected. Redis being down makes everyone look offline rather than failing."""
    ids = list(dict.fromkeys(str(u) for u in user_ids))
    if not ids:
        return {}
    now = time.time()
    try:
        async with runtime.get().redis.pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.zcount(_presence_key(user_id), now, "+inf")
            for user_id in ids:
                pipe.get(_seen_key(user_id))
            results = await pipe.execute()
    except REDIS_DOWN:
        log.warning("presence unavailable: redis is down")
        return {user_id: Presence(False, None) for user_id in ids}
    counts, seen = results[: len(ids)], results[len(ids) :]
    out = {}
    for user_id, count, last in zip(ids, counts, seen, strict=True):
        last_seen = datetime.fromtimestamp(float(last), tz=UTC) if last else None
        out[user_id] = Presence(bool(count), None if count else last_seen)
    return out


async def is_online(user_id: ObjectId | str) -> bool:
    return (await presence_of([user_id]))[str(user_id)].is_online


# ---------------------------------------------------------------------------- emitting


_gateway: Gateway | None = None
_write_only: tuple[asyncio.AbstractEventLoop, socketio.AsyncRedisManager] | None = None


def _write_only_manager() -> socketio.AsyncRedisManager | None:
    """Worker processes have no server; with a real Redis they publish on the channel."""
    global _write_only
    rt = runtime.get()
    url = rt.redis_endpoint.url
    if not url:
        return None
    loop = asyncio.get_running_loop()
    if _write_only is None or _write_only[0] is not loop:
        manager = socketio.AsyncRedisManager(
            url, channel=rt.settings.realtime.redis_channel, write_only=True
        )
        _write_only = (loop, manager)
    return _write_only[1]


async def close_write_only() -> None:
    """Close this loop's write-only manager, if one was opened."""
    global _write_only
    if _write_only is None or _write_only[0] is not asyncio.get_running_loop():
        return
    manager = _write_only[1]
    _write_only = None
    if manager.redis is not None:
        with contextlib.suppress(Exception):
            await manager.redis.aclose()


async def emit_to_users(
    user_ids: Iterable[ObjectId | str], event: str, payload: Any, *, skip_sid: str | None = None
) -> None:
    """Send ``event`` to every connection of these users, on every API process.

    Live events are best effort: the state they announce is already stored, so a failure is
    logged, never raised to the caller.
    """
    rooms = list(dict.fromkeys(user_room(u) for u in user_ids))
    if not rooms:
        return
    try:
        if _gateway is not None:
            await _gateway.sio.emit(event, payload, to=rooms, skip_sid=skip_sid)
            return
        manager = _write_only_manager()
        if manager is not None:
            await manager.emit(event, payload, namespace="/", room=rooms, skip_sid=skip_sid)
    except Exception:
        log.exception("could not emit %s", event)


async def emit_to_user(user_id: ObjectId | str, event: str, payload: Any) -> None:
    await emit_to_users([user_id], event, payload)


async def emit_to_connection(sid: str, event: str, payload: Any) -> None:
    """Reply to one connection (the sender's own socket)."""
    if _gateway is not None:
        try:
            await _gateway.sio.emit(event, payload, to=sid)
        except Exception:
            log.exception("could not emit %s", event)


# ---------------------------------------------------------------------------- the server


@dataclass
class _Local:
    user_id: ObjectId
    token: str


def _error(exc: AppError) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "message": exc.message, "code": exc.code}
    if exc.errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in exc.errors]
    if exc.data:
        body["data"] = exc.data
    return body


def _validation_error(exc: ValidationError) -> dict[str, Any]:
    errors = [
        {
            "field": ".".join(str(p) for p in item["loc"]) or "body",
            "message": item["msg"].removeprefix("Value error, "),
        }
        for item in exc.errors()
    ]
    return {
        "success": False,
        "message": "Validation failed",
        "code": "VALIDATION_FAILED",
        "errors": errors,
    }


def _token_from(auth: Any, environ: dict[str, Any]) -> str | None:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str) and auth["token"].strip():
        token = auth["token"].strip()
        return token.removeprefix("Bearer ").strip()
    header = environ.get("HTTP_AUTHORIZATION") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def _check_token(token: str) -> Principal:
    principal = await authenticate(f"Bearer {token}")
    if principal.kind != "user":
        raise AppError("Staff tokens cannot open a user connection", code="WRONG_TOKEN_TYPE")
    return principal


class Gateway:
    """One Socket.IO server per application."""

    def __init__(self, settings: Settings) -> None:
        config = settings.realtime
        self.settings = settings
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            cors_allowed_origins=settings.allowed_origins or None,
            ping_interval=config.ping_interval_seconds,
            ping_timeout=config.ping_timeout_seconds,
            max_http_buffer_size=config.max_message_bytes,
            logger=False,
            engineio_logger=False,
        )
        self.connections: dict[str, _Local] = {}
        self._heartbeat: asyncio.Task[None] | None = None
        self.sio.on("connect", self._connect)
        self.sio.on("disconnect", self._disconnect)
        self.sio.on("authenticate", self._authenticate)
        for event, handler in _handlers.items():
            self.sio.on(event, self._wrap(handler))

    def asgi_app(self, other: Any) -> Any:
        """The ASGI application: Socket.IO at /socket.io/, everything else (lifespan
        included, as python-socketio forwards it when it has no hooks of its own) to
        ``other``."""
        return socketio.ASGIApp(self.sio, other_asgi_app=other, socketio_path=SOCKETIO_PATH)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Called once the process runtime exists (Redis endpoint known)."""
        global _gateway
        url = runtime.get().redis_endpoint.url
        if url:
            # Swapped before any client can connect: the manager starts listening on the
            # first connection, on this loop.
            manager = socketio.AsyncRedisManager(url, channel=self.settings.realtime.redis_channel)
            manager.set_server(self.sio)
            self.sio.manager = manager
            self.sio.manager_initialized = False
        _gateway = self
        self._heartbeat = asyncio.create_task(self._beat(), name="kwika-realtime-heartbeat")

    async def stop(self) -> None:
        global _gateway
        if _gateway is self:
            _gateway = None
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        for sid in list(self.connections):
            with contextlib.suppress(Exception):
                await self.sio.disconnect(sid, ignore_queue=True)
        await self.sio.shutdown()
        await self._close_manager()
        await close_write_only()

    async def _close_manager(self) -> None:
        manager = self.sio.manager
        listener = getattr(manager, "thread", None)
        if isinstance(listener, asyncio.Task):
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener
        for name in ("pubsub", "redis"):
            client = getattr(manager, name, None)
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()

    # ------------------------------------------------------------------ connections

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = _token_from(auth, environ)
        if not token:
            raise socketio.exceptions.ConnectionRefusedError(
                "Authentication required", {"code": "UNAUTHORIZED"}
            )
        try:
            principal = await _check_token(token)
        except AppError as exc:
            raise socketio.exceptions.ConnectionRefusedError(
                exc.message, {"code": exc.code}
            ) from None
        self.connections[sid] = _Local(principal.id, token)
        await self.sio.enter_room(sid, user_room(principal.id))
        await self._mark_online({sid: principal.id})

    async def _disconnect(self, sid: str, reason: Any = None) -> None:
        if reason == self.sio.reason.CLIENT_DISCONNECT:
            self._end_pending_poll(sid)
        local = self.connections.pop(sid, None)
        if local is None:
            return
        try:
            async with runtime.get().redis.pipeline(transaction=False) as pipe:
                pipe.zrem(_presence_key(local.user_id), sid)
                pipe.set(
                    _seen_key(local.user_id),
                    clock.now().timestamp(),
                    ex=self.settings.realtime.last_seen_ttl_days * 86400,
                )
                await pipe.execute()
        except REDIS_DOWN:
            log.warning("could not record disconnect: redis is down")

    def _end_pending_poll(self, sid: str) -> None:
        """A long-polling client that says goodbye still has a GET waiting for packets, which
        engine.io would answer only after ping_interval + ping_timeout (45 s by default),
        holding a request (and a server shutdown) that long. Answer it now with a no-op, as
        engine.io itself does when a client upgrades."""
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, "/")
        socket = self.sio.eio.sockets.get(eio_sid) if eio_sid else None
        if socket is not None and not socket.upgraded and not socket.closed:
            socket.queue.put_nowait(engineio_packet.Packet(engineio_packet.NOOP))

    async def _authenticate(self, sid: str, data: Any = None) -> dict[str, Any]:
        """Client event ``authenticate`` ``{"token": ...}``: swap in a fresh access token
        (same user) so the connection outlives the one it opened with."""
        local = self.connections.get(sid)
        token = _token_from(data, {})
        if local is None or not token:
            return _error(AppError("A token is required", code="UNAUTHORIZED"))
        try:
            principal = await _check_token(token)
        except AppError as exc:
            return _error(exc)
        if principal.id != local.user_id:
            return _error(AppError("This token belongs to another user", code="WRONG_USER"))
        local.token = token
        return {"success": True, "message": "Token updated", "data": None}

    def _wrap(self, handler: Handler) -> Callable[..., Awaitable[dict[str, Any]]]:
        """A client event is handled like a request: background work it asks for
        (``enqueue``, ``after_success``) runs only when it succeeds."""

        async def run(sid: str, *args: Any) -> dict[str, Any]:
            local = self.connections.get(sid)
            if local is None:
                return _error(AppError("Not connected", code="UNAUTHORIZED"))
            with defer_messages() as held:
                try:
                    result = await handler(
                        Connection(sid, local.user_id), args[0] if args else None
                    )
                except AppError as exc:
                    return _error(exc)
                except ValidationError as exc:
                    return _validation_error(exc)
                except Exception:
                    log.exception("socket.io handler %s failed", handler.__name__)
                    return {
                        "success": False,
                        "message": "Internal error",
                        "code": "INTERNAL_ERROR",
                    }
            try:
                await flush(held)
            except Exception:
                # Stored first; the stale-work sweepers pick it up.
                log.exception("could not run the background work of %s", handler.__name__)
            return {"success": True, "message": "OK", "data": result}

        return run

    # ------------------------------------------------------------------ heartbeat

    def _presence_ttl(self) -> int:
        return self.settings.realtime.heartbeat_seconds * 3

    async def _mark_online(self, connections: dict[str, ObjectId]) -> None:
        if not connections:
            return
        ttl = self._presence_ttl()
        expires = time.time() + ttl
        try:
            async with runtime.get().redis.pipeline(transaction=False) as pipe:
                for sid, user_id in connections.items():
                    key = _presence_key(user_id)
                    pipe.zadd(key, {sid: expires})
                    pipe.zremrangebyscore(key, "-inf", time.time())
                    pipe.expire(key, ttl)
                await pipe.execute()
        except REDIS_DOWN:
            log.warning("could not record presence: redis is down")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.settings.realtime.heartbeat_seconds)
            try:
                await self.refresh()
            except Exception:
                log.exception("realtime heartbeat failed")

    async def refresh(self) -> None:
        """Close connections whose token is no longer valid; keep the others online."""
        alive: dict[str, ObjectId] = {}
        for sid, local in list(self.connections.items()):
            try:
                await _check_token(local.token)
            except AppError as exc:
                await self.sio.emit("session_expired", _error(exc), to=sid)
                await self.sio.disconnect(sid)
                continue
            alive[sid] = local.user_id
        await self._mark_online(alive)
