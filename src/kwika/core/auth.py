"""Bearer authentication, the revocation deny-list, guards and request-context dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from kwika.core import clock, runtime
from kwika.core.errors import DependencyUnavailable, Forbidden, Unauthorized
from kwika.core.net import DeviceInfo, describe_device, header
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.core.tokens import InvalidToken, Principal

STAFF_ROLES = ("admin", "moderator", "author", "viewer")


def _deny_jti_key(jti: str) -> str:
    return redis_key("auth", "deny", "jti", jti)


def _deny_session_key(session_id: ObjectId | str) -> str:
    return redis_key("auth", "deny", "sid", str(session_id))


async def deny_token(jti: str, expires_at: datetime) -> None:
    """Make one access token stop working now (logout)."""
    ttl = int((expires_at - clock.now()).total_seconds()) + 1
    if ttl > 0:
        await _redis_call(lambda r: r.set(_deny_jti_key(jti), 1, ex=ttl))


async def deny_sessions(session_ids: list[ObjectId]) -> None:
    """Make every access token of these sessions stop working now (revocation)."""
    if not session_ids:
        return
    ttl = runtime.get().tokens.ttl_seconds + 1

    async def write(client: Any) -> Any:
        async with client.pipeline(transaction=False) as pipe:
            for session_id in session_ids:
                pipe.set(_deny_session_key(session_id), 1, ex=ttl)
            return await pipe.execute()

    await _redis_call(write)


async def _redis_call(fn: Any) -> Any:
    try:
        return await fn(runtime.get().redis)
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc


async def authenticate(authorization: str) -> Principal:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Invalid or expired token", code="INVALID_TOKEN")
    try:
        principal = runtime.get().tokens.decode(token.strip())
    except InvalidToken:
        raise Unauthorized("Invalid or expired token", code="INVALID_TOKEN") from None
    denied = await _redis_call(
        lambda r: r.exists(_deny_jti_key(principal.jti), _deny_session_key(principal.session_id))
    )
    if denied:
        raise Unauthorized("This session has ended. Please sign in again.", code="TOKEN_REVOKED")
    return principal


class AuthenticationMiddleware(ASGIMiddleware):
    """Resolves ``Authorization: Bearer`` into ``request.user`` (a Principal, or None).

    A bad token is a 401 even on public routes: the client should refresh or sign in again.
    """

    scopes = ("http", "websocket")  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        authorization = header(scope, b"authorization")  # type: ignore[arg-type]
        scope["user"] = await authenticate(authorization) if authorization else None
        scope["auth"] = None
        await next_app(scope, receive, send)


def _principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    return connection.scope.get("user")


def require_user(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    principal = _principal(connection)
    if principal is None:
        raise Unauthorized()
    if principal.kind != "user":
        raise Unauthorized("Staff tokens are not valid on user routes", code="WRONG_TOKEN_TYPE")


def require_staff(*roles: str) -> Any:
    """Guard for ``/admin`` routes; with roles, only those staff roles pass."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = _principal(connection)
        if principal is None:
            raise Unauthorized()
        if principal.kind != "staff":
            raise Unauthorized("User tokens are not valid on staff routes", code="WRONG_TOKEN_TYPE")
        if roles and principal.role not in roles:
            raise Forbidden("Your staff role does not allow this", code="INSUFFICIENT_ROLE")

    return guard


@dataclass(frozen=True)
class ClientContext:
    """Request facts that sessions, limits and the activity log record."""

    ip: str
    user_agent: str
    device: DeviceInfo
    request_id: str


MAX_DEVICE_ID_LENGTH = 128


def client_context(connection: ASGIConnection[Any, Any, Any, Any]) -> ClientContext:
    state = connection.scope.get("state", {})
    user_agent = (connection.headers.get("user-agent") or "")[:512]
    device_id = (connection.headers.get("x-device-id") or "").strip() or None
    if device_id and len(device_id) > MAX_DEVICE_ID_LENGTH:
        device_id = None
    return ClientContext(
        ip=state.get("client_ip") or "unknown",
        user_agent=user_agent,
        device=describe_device(user_agent, device_id),
        request_id=state.get("request_id", ""),
    )


async def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = _principal(request)
    if principal is None:
        raise Unauthorized()
    return principal


async def provide_optional_principal(
    request: ASGIConnection[Any, Any, Any, Any],
) -> Principal | None:
    return _principal(request)


async def provide_client(request: ASGIConnection[Any, Any, Any, Any]) -> ClientContext:
    return client_context(request)


# Handler parameter types for the app-level dependencies (the parameter name selects it).
CurrentPrincipal = NamedDependency[Principal]
OptionalPrincipal = NamedDependency[Principal | None]
Client = NamedDependency[ClientContext]
