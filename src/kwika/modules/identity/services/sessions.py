"""Sessions and tokens: sign-in completion, refresh rotation with reuse detection, revocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bson import ObjectId

from kwika.core import auth, clock, runtime
from kwika.core.auth import ClientContext
from kwika.core.ids import id_of, parse_id
from kwika.core.net import DeviceInfo, mask_ip
from kwika.core.pagination import Page, PageParams
from kwika.core.security import random_token, sha256_hex
from kwika.core.tokens import Principal
from kwika.modules import activity
from kwika.modules.identity.documents import (
    AuthSession,
    DeviceSnapshot,
    RefreshToken,
    StaffAccount,
    User,
)
from kwika.modules.identity.exceptions import (
    AccountUnavailable,
    CannotRevokeCurrentSession,
    RefreshTokenInvalid,
    RefreshTokenReused,
    SessionNotFound,
)
from kwika.modules.identity.schemas import (
    DeviceOut,
    SessionLocationOut,
    SessionOut,
    TokensOut,
)

Kind = Literal["user", "staff"]


@dataclass(frozen=True)
class Issued:
    session: AuthSession
    tokens: TokensOut


def _refresh_ttl(remember_me: bool) -> timedelta:
    config = runtime.get().settings.jwt
    seconds = config.remember_me_refresh_ttl_seconds if remember_me else config.refresh_ttl_seconds
    return timedelta(seconds=seconds)


def snapshot(device: DeviceInfo) -> DeviceSnapshot:
    return DeviceSnapshot(
        key=device.key,
        type=device.type,
        name=device.name,
        os=device.os,
        browser=device.browser,
        user_agent=device.user_agent,
    )


async def _new_refresh_token(session: AuthSession) -> str:
    token = random_token(32)
    await RefreshToken(
        token_hash=sha256_hex(token),
        session_id=session.id,
        principal_kind=session.principal_kind,
        principal_id=session.principal_id,
        expires_at=session.expires_at,
    ).insert()
    return token


def _tokens(session: AuthSession, refresh_token: str, role: str) -> TokensOut:
    access = runtime.get().tokens.issue(
        session.principal_kind, session.principal_id, id_of(session), role
    )
    return TokensOut(
        access_token=access.token,
        refresh_token=refresh_token,
        expires_in=access.expires_in,
        session_id=str(session.id),
    )


async def open_session(
    kind: Kind, principal_id: ObjectId, role: str, client: ClientContext, remember_me: bool
) -> Issued:
    now = clock.now()
    session = AuthSession(
        principal_kind=kind,
        principal_id=principal_id,
        device=snapshot(client.device),
        ip=client.ip,
        remember_me=remember_me,
        created_at=now,
        last_active_at=now,
        expires_at=now + _refresh_ttl(remember_me),
    )
    await session.insert()
    return Issued(session, _tokens(session, await _new_refresh_token(session), role))


async def _principal_role(kind: Kind, principal_id: ObjectId) -> str | None:
    """The role to put in a new access token, or None when the account may not sign in."""
    if kind == "staff":
        staff = await StaffAccount.get(principal_id)
        return staff.role if staff and staff.is_active and staff.is_verified else None
    user = await User.get(principal_id)
    return user.account_type if user and user.status == "active" else None


async def rotate(refresh_token: str, kind: Kind) -> TokensOut:
    """Exchange a refresh token for a new pair; presenting a used one ends its session."""
    record = await RefreshToken.find_one(RefreshToken.token_hash == sha256_hex(refresh_token))
    now = clock.now()
    if record is None or record.principal_kind != kind or record.expires_at <= now:
        raise RefreshTokenInvalid()
    claimed = await RefreshToken.get_motor_collection().update_one(
        {"_id": record.id, "used_at": None}, {"$set": {"used_at": now}}
    )
    if claimed.modified_count != 1:
        await revoke_session_ids([record.session_id], "refresh_token_reuse")
        await activity.record(
            activity.Actor(kind, record.principal_id),
            "auth.refresh_token_reused",
            target_type="session",
            target_id=record.session_id,
        )
        raise RefreshTokenReused()
    session = await AuthSession.get(record.session_id)
    role = await _principal_role(kind, record.principal_id)
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise RefreshTokenInvalid()
    if role is None:
        await revoke_session_ids([id_of(session)], "account_unavailable")
        raise AccountUnavailable()
    session.last_active_at = now
    session.expires_at = now + _refresh_ttl(session.remember_me)
    await session.save()
    return _tokens(session, await _new_refresh_token(session), role)


async def revoke_session_ids(session_ids: list[ObjectId], reason: str) -> int:
    if not session_ids:
        return 0
    result = await AuthSession.get_motor_collection().update_many(
        {"_id": {"$in": session_ids}, "revoked_at": None},
        {"$set": {"revoked_at": clock.now(), "revoked_reason": reason}},
    )
    await auth.deny_sessions(session_ids)
    return int(result.modified_count)


async def _active_session_ids(
    principal_id: ObjectId, *, except_id: ObjectId | None = None, device_key: str | None = None
) -> list[ObjectId]:
    query: dict[str, object] = {
        "principal_id": principal_id,
        "revoked_at": None,
        "expires_at": {"$gt": clock.now()},
    }
    if except_id is not None:
        query["_id"] = {"$ne": except_id}
    if device_key is not None:
        query["device.key"] = device_key
    cursor = AuthSession.get_motor_collection().find(query, {"_id": 1})
    return [row["_id"] async for row in cursor]


async def revoke_all(principal_id: ObjectId, reason: str, *, keep: ObjectId | None = None) -> int:
    """End every session of an account (except ``keep``): their tokens stop working now."""
    return await revoke_session_ids(await _active_session_ids(principal_id, except_id=keep), reason)


async def revoke_device_sessions(principal_id: ObjectId, device_key: str, reason: str) -> int:
    ids = await _active_session_ids(principal_id, device_key=device_key)
    return await revoke_session_ids(ids, reason)


async def logout(principal: Principal) -> None:
    await auth.deny_token(principal.jti, principal.expires_at)
    await revoke_session_ids([principal.session_id], "logout")


def _session_out(session: AuthSession, current: ObjectId) -> SessionOut:
    device = session.device
    return SessionOut(
        id=str(session.id),
        device=DeviceOut(type=device.type, name=device.name, os=device.os, browser=device.browser),
        location=SessionLocationOut(ip=mask_ip(session.ip)),
        is_current=session.id == current,
        last_active_at=session.last_active_at,
        created_at=session.created_at,
    )


async def list_sessions(principal: Principal, paging: PageParams) -> Page[SessionOut]:
    query = {"principal_id": principal.id, "revoked_at": None, "expires_at": {"$gt": clock.now()}}
    total = await AuthSession.find(query).count()
    rows = (
        await AuthSession.find(query)
        .sort("-last_active_at")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    return paging.build([_session_out(row, principal.session_id) for row in rows], total)


async def revoke_one(principal: Principal, session_id: str) -> None:
    target = parse_id(session_id, "Session")
    if target == principal.session_id:
        raise CannotRevokeCurrentSession()
    session = await AuthSession.find_one(
        {"_id": target, "principal_id": principal.id, "revoked_at": None}
    )
    if session is None:
        raise SessionNotFound()
    await revoke_session_ids([target], "revoked_by_user")
