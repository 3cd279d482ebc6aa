"""Sign in with Google (seed 004 2.1): code flow with state + PKCE, mobile ID tokens, linking."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import (
    AppError,
    DependencyUnavailable,
)
from kwika.core.ids import id_of
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.core.security import random_token
from kwika.core.tokens import Principal
from kwika.integrations.google import GoogleAuthError, GoogleOAuth
from kwika.modules import activity
from kwika.modules.identity.constants import OAUTH_STATE_TTL_SECONDS
from kwika.modules.identity.documents import GoogleLink, User
from kwika.modules.identity.exceptions import (
    GoogleAuthFailed,
    GoogleBadCallback,
    GoogleDenied,
    GoogleEmailUnverified,
    GoogleInUse,
    GoogleLinkForbidden,
    GoogleNotConnected,
    GoogleStateExpired,
    OnlyLoginMethod,
)
from kwika.modules.identity.schemas import AuthOut, ChallengeOut, GoogleLoginOut, ProfileOut
from kwika.modules.identity.services import accounts, passwords, sessions, signin


class GoogleNotConfigured(AppError):
    status_code = 503
    code = "GOOGLE_NOT_CONFIGURED"
    default_message = "Google sign-in is not configured on this server"


def _adapter() -> GoogleOAuth:
    adapter: GoogleOAuth = runtime.get().adapters["google"]
    if not adapter.configured:
        raise GoogleNotConfigured()
    return adapter


def _state_key(state: str) -> str:
    return redis_key("oauth", "google", state)


def _raise(exc: GoogleAuthError) -> None:
    if exc.unavailable:
        raise DependencyUnavailable("google", "Google is unavailable, please retry") from exc
    raise GoogleAuthFailed(exc) from exc


async def start(mode: str = "signin", user_id: ObjectId | None = None) -> GoogleLoginOut:
    adapter = _adapter()
    state, verifier, nonce = random_token(24), random_token(48), random_token(16)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    payload = {
        "verifier": verifier,
        "nonce": nonce,
        "mode": mode,
        "user_id": str(user_id) if user_id else None,
    }
    try:
        await runtime.get().redis.set(
            _state_key(state), json.dumps(payload), ex=OAUTH_STATE_TTL_SECONDS
        )
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc
    url = adapter.authorization_url(state, challenge.rstrip(b"=").decode(), nonce)
    return GoogleLoginOut(authorization_url=url, state=state, expires_in=OAUTH_STATE_TTL_SECONDS)


async def callback(
    code: str | None,
    state: str | None,
    error: str | None,
    client: ClientContext,
    viewer: Principal | None,
) -> AuthOut | ChallengeOut | ProfileOut:
    if error:
        raise GoogleDenied(error)
    if not code or not state:
        raise GoogleBadCallback()
    raw = await runtime.get().redis.getdel(_state_key(state))
    if raw is None:
        raise GoogleStateExpired()
    stored = json.loads(raw)
    linking = stored["mode"] == "link"
    if linking and (viewer is None or viewer.kind != "user" or str(viewer.id) != stored["user_id"]):
        # Otherwise a victim opening an attacker's connect link would attach the victim's
        # Google account to the attacker's Kwika account.
        raise GoogleLinkForbidden()
    adapter = _adapter()
    try:
        tokens = await adapter.exchange_code(code, stored["verifier"])
        claims = await adapter.verify_id_token(
            tokens["id_token"], [adapter.config.client_id or ""], nonce=stored["nonce"]
        )
    except GoogleAuthError as exc:
        _raise(exc)
        raise
    if linking:
        return await link(ObjectId(stored["user_id"]), claims, client)
    return await sign_in_with_claims(claims, client, remember_me=False)


async def token_sign_in(
    id_token: str, remember_me: bool, client: ClientContext
) -> AuthOut | ChallengeOut:
    adapter = _adapter()
    audiences = [adapter.config.client_id or "", *adapter.config.extra_client_ids]
    try:
        claims = await adapter.verify_id_token(id_token, audiences)
    except GoogleAuthError as exc:
        _raise(exc)
        raise
    return await sign_in_with_claims(claims, client, remember_me)


def _verified_email(claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").lower()
    verified = claims.get("email_verified") in (True, "true")
    if not email or not verified:
        raise GoogleEmailUnverified()
    return email


def _link_fields(claims: dict[str, Any], email: str) -> dict[str, Any]:
    now = clock.now()
    return {
        "google": GoogleLink(sub=str(claims["sub"]), email=email, connected_at=now).model_dump(),
        "updated_at": now,
    }


async def sign_in_with_claims(
    claims: dict[str, Any], client: ClientContext, remember_me: bool
) -> AuthOut | ChallengeOut:
    email = _verified_email(claims)
    user = await User.find_one({"google.sub": str(claims["sub"])})
    if user is None:
        user = await User.find_one(User.email == email)
        if user is not None:
            await _link_existing(user, claims, email, client)
    if user is None:
        user = await _create(claims, email, client)
    user = await accounts.get_user(id_of(user))
    user = await signin.admit(user, client)
    return await signin.after_first_factor(user, client, remember_me, via="google")


async def _link_existing(
    user: User, claims: dict[str, Any], email: str, client: ClientContext
) -> None:
    """Link by verified email. A password set before the email was ever verified may belong
    to someone who typed this address first: it is dropped (account pre-hijacking)."""
    update = _link_fields(claims, email)
    update.update({"is_email_verified": True, "email_verified_at": clock.now()})
    unset = {}
    if not user.is_email_verified and user.password_hash:
        unset["password_hash"] = ""
        await sessions.revoke_all(id_of(user), "unverified_password_dropped")
    await User.get_motor_collection().update_one(
        {"_id": user.id}, {"$set": update, **({"$unset": unset} if unset else {})}
    )
    if not user.is_verified:
        await accounts.welcome(id_of(user))  # Google proved the address: the account is usable
    await activity.record(
        accounts.actor_of(user),
        "user.google_linked",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
        details={"password_dropped": bool(unset)},
    )


async def _create(claims: dict[str, Any], email: str, client: ClientContext) -> User:
    first = str(claims.get("given_name") or "").strip()[:50] or "Google"
    last = str(claims.get("family_name") or "").strip()[:50] or "User"
    now = clock.now()
    user = User(
        email=email,
        username=await accounts.generate_username(first, last),
        first_name=first,
        last_name=last,
        avatar=claims.get("picture"),
        is_email_verified=True,
        email_verified_at=now,
        google=GoogleLink(sub=str(claims["sub"]), email=email, connected_at=now),
    )
    try:
        await user.insert()
    except DuplicateKeyError:
        # Two first sign-ins raced; the other one created the account.
        existing = await User.find_one({"google.sub": str(claims["sub"])})
        if existing is None:
            raise
        return existing
    await accounts.welcome(id_of(user))
    await activity.record(
        accounts.actor_of(user),
        "user.registered",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
        details={"via": "google"},
    )
    return user


async def link(user_id: ObjectId, claims: dict[str, Any], client: ClientContext) -> ProfileOut:
    email = _verified_email(claims)
    user = await accounts.get_user(user_id)
    other = await User.find_one({"google.sub": str(claims["sub"])})
    if other is not None and other.id != user.id:
        raise GoogleInUse()
    try:
        await User.get_motor_collection().update_one(
            {"_id": user.id}, {"$set": _link_fields(claims, email)}
        )
    except DuplicateKeyError:
        raise GoogleInUse() from None
    await activity.record(
        accounts.actor_of(user),
        "user.google_linked",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
    )
    return ProfileOut.of(await accounts.get_user(id_of(user)))


async def disconnect(principal: Principal, password: str | None, client: ClientContext) -> None:
    user = await accounts.get_user(principal.id)
    if user.google is None:
        raise GoogleNotConnected()
    if user.password_hash is None:
        raise OnlyLoginMethod()
    await passwords.require_password(user, password or "")
    await User.get_motor_collection().update_one({"_id": user.id}, {"$unset": {"google": ""}})
    await activity.record(
        accounts.actor_of(user),
        "user.google_unlinked",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
    )
