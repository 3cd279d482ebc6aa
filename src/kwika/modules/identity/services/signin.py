"""User sign-in: password (or Google) first, then 2FA or new-device confirmation, then tokens."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import asdict, replace
from typing import Any

from kwika.core import clock, ratelimit, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of
from kwika.core.net import describe_device
from kwika.core.security import numeric_code
from kwika.modules import activity, notifications
from kwika.modules.identity import signals
from kwika.modules.identity.constants import CodeChannel
from kwika.modules.identity.documents import User
from kwika.modules.identity.exceptions import (
    AccountBanned,
    AccountSuspended,
    ChallengeExpired,
    CredentialsInvalid,
    NoCodeChannel,
    NoSentCodes,
    UseStaffSignin,
    VerificationRequired,
    WrongCodeMethod,
)
from kwika.modules.identity.schemas import AuthOut, ChallengeOut, SigninIn, UserOut
from kwika.modules.identity.services import accounts, challenges, devices, sessions, throttle, totp
from kwika.modules.identity.services.challenges import Challenge


def with_device_id(client: ClientContext, device_id: str | None) -> ClientContext:
    if not device_id:
        return client
    return replace(client, device=describe_device(client.user_agent, device_id))


async def sign_in(data: SigninIn, client: ClientContext) -> AuthOut | ChallengeOut:
    if data.type == "admins":
        raise UseStaffSignin()
    if not data.credential:
        raise ValidationFailed.single("credential", "Email, phone number or username is required")
    client = with_device_id(client, data.device_id)
    account_key, user = await accounts.find_by_credential(data.credential)
    if user is not None:
        # One budget per account, whichever of its email, phone or username is typed.
        account_key = f"id:{user.id}"
    await throttle.password_attempt("user", account_key, client.ip)
    passwords = runtime.get().passwords
    hash_ = user.password_hash if user else None
    valid = await asyncio.to_thread(passwords.verify, hash_, data.password)
    if user is None or not valid or user.status == "deleted":
        raise CredentialsInvalid()
    await throttle.password_accepted("user", account_key, client.ip)
    user = await admit(user, client)
    if hash_ and passwords.needs_rehash(hash_):
        new_hash = await asyncio.to_thread(passwords.hash, data.password)
        await User.get_motor_collection().update_one(
            {"_id": user.id}, {"$set": {"password_hash": new_hash}}
        )
    return await after_first_factor(user, client, data.remember_me, via="password")


async def admit(user: User, client: ClientContext) -> User:
    """Refuse suspended, banned or unverified accounts; restore one awaiting deletion."""
    now = clock.now()
    suspension = user.suspension
    if user.status == "suspended" and suspension and suspension.until and suspension.until <= now:
        user.status, user.suspension = "active", None
        await user.save()
    if user.status in ("suspended", "banned"):
        suspension = user.suspension
        blocked = AccountSuspended if user.status == "suspended" else AccountBanned
        raise blocked(
            data={
                "status": user.status,
                "reason": suspension.reason if suspension else None,
                "since": suspension.since.isoformat().replace("+00:00", "Z")
                if suspension
                else None,
                "until": suspension.until.isoformat().replace("+00:00", "Z")
                if suspension and suspension.until
                else None,
            },
        )
    if not user.is_verified:
        channel = "email" if user.email else "phone"
        raise VerificationRequired(channel, str(user.id))
    if user.status == "pending_deletion":
        user.status, user.deletion = "active", None
        user.updated_at = now
        await user.save()
        await signals.user_changed.send(user_id=id_of(user))
        await activity.record(
            accounts.actor_of(user),
            "user.deletion_cancelled",
            target_type="user",
            target_id=user.id,
            ip=client.ip,
        )
    return user


def _verified_channel(user: User) -> tuple[CodeChannel, str]:
    if user.is_email_verified and user.email:
        return "email", user.email
    assert user.phone is not None
    return "sms", user.phone


async def _send_challenge_code(user: User, channel: str, client: ClientContext) -> tuple[str, str]:
    """Send a sign-in code by SMS or email; returns (digest, masked address)."""
    address = user.email if channel == "email" else user.phone
    if not address:
        raise NoCodeChannel(channel)
    code = numeric_code(6)
    settings = runtime.get().settings
    await notifications.send_direct(
        "email" if channel == "email" else "sms",
        address,
        "signin_code",
        {
            "code": code,
            "minutes": settings.jwt.challenge_ttl_seconds // 60,
            "device": f"{client.device.name} ({client.ip})",
        },
        user_id=user.id,
        sensitive=True,
        data={"purpose": "signin_challenge"},
    )
    return challenge_digest(user, code), accounts.masked(channel, address)


def challenge_digest(user: User, code: str) -> str:
    return runtime.get().keyring.digest("challenge-code", f"{user.id}:{code.strip()}")


async def after_first_factor(
    user: User, client: ClientContext, remember_me: bool, via: str
) -> AuthOut | ChallengeOut:
    base: dict[str, Any] = {
        "principal_kind": "user",
        "principal_id": str(user.id),
        "remember_me": remember_me,
        "device": asdict(client.device),
        "ip": client.ip,
        "via": via,
    }
    ttl = challenges.ttl_seconds()
    two_factor = user.two_factor
    if two_factor.enabled:
        challenge = Challenge(kind="two_factor", methods=[], **base)
        sent_to = None
        if two_factor.method == "authenticator":
            challenge.methods = ["authenticator", "backup_code"]
        else:
            channel = "email" if two_factor.method == "email" else "sms"
            challenge.code_hash, sent_to = await _send_challenge_code(user, channel, client)
            challenge.methods, challenge.code_channel = [channel], channel
        token = await challenges.create(challenge)
        return ChallengeOut(
            two_factor_required=True,
            challenge_token=token,
            methods=challenge.methods,
            expires_in=ttl,
            sent_to=sent_to,
        )
    if user.account_type == "provider" and not await devices.is_trusted(
        id_of(user), client.device.key
    ):
        channel, _ = _verified_channel(user)
        digest, sent_to = await _send_challenge_code(user, channel, client)
        challenge = Challenge(
            kind="device", methods=[channel], code_hash=digest, code_channel=channel, **base
        )
        token = await challenges.create(challenge)
        return ChallengeOut(
            device_verification_required=True,
            challenge_token=token,
            methods=[channel],
            expires_in=ttl,
            sent_to=sent_to,
        )
    return await finish(user, client, remember_me, via)


async def finish(user: User, client: ClientContext, remember_me: bool, via: str) -> AuthOut:
    is_new_device = await devices.remember(id_of(user), client)
    issued = await sessions.open_session(
        "user", id_of(user), user.account_type, client, remember_me
    )
    user.last_login_at = clock.now()
    await User.get_motor_collection().update_one(
        {"_id": user.id}, {"$set": {"last_login_at": user.last_login_at}}
    )
    if is_new_device:
        await _announce_new_device(user, client, via)
    return AuthOut(user=UserOut.of(user), **issued.tokens.model_dump())


async def _announce_new_device(user: User, client: ClientContext, via: str) -> None:
    await activity.record(
        accounts.actor_of(user),
        "auth.signin_new_device",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
        details={
            "device": client.device.name,
            "os": client.device.os,
            "browser": client.device.browser,
            "via": via,
        },
    )
    # The first device is the sign-up itself, not news worth an alert.
    if not user.login_alerts or await devices.count(id_of(user)) <= 1:
        return
    channel, address = _verified_channel(user)
    await notifications.send_direct(
        channel,
        address,
        "security_alert",
        {
            "first_name": user.first_name,
            "headline": "new sign-in",
            "detail": f"Your account was signed in from {client.device.name} "
            f"({client.device.os or 'unknown system'}) at IP {client.ip}.",
        },
        user_id=user.id,
        sensitive=False,
        data={"purpose": "new_device_alert"},
    )


async def _load_user_challenge(token: str, kind: str) -> tuple[Challenge, User]:
    challenge = await challenges.load(token)
    if challenge.kind != kind or challenge.principal_kind != "user":
        raise ChallengeExpired()
    user = await accounts.get_user(challenge.principal_id)
    return challenge, user


def _code_matches(user: User, challenge: Challenge, code: str) -> bool:
    if challenge.code_hash is not None:
        return hmac.compare_digest(challenge.code_hash, challenge_digest(user, code))
    return False


async def verify_two_factor(token: str, code: str, request_client: ClientContext) -> AuthOut:
    challenge, user = await _load_user_challenge(token, "two_factor")
    used_backup = False

    async def check() -> bool:
        nonlocal used_backup
        if "authenticator" in challenge.methods and user.two_factor.secret_encrypted:
            secret = totp.decrypt(user.two_factor.secret_encrypted)
            if await totp.accept_totp(User, id_of(user), secret, code):
                return True
            used_backup = await totp.accept_backup_code(User, id_of(user), code)
            return used_backup
        return _code_matches(user, challenge, code)

    await challenges.settle(token, challenge, check)
    client = challenge.client(request_client.request_id)
    if used_backup:
        await activity.record(
            accounts.actor_of(user),
            "auth.backup_code_used",
            target_type="user",
            target_id=user.id,
            ip=client.ip,
        )
    return await finish(user, client, challenge.remember_me, challenge.via)


async def verify_device(token: str, code: str, request_client: ClientContext) -> AuthOut:
    challenge, user = await _load_user_challenge(token, "device")

    async def check() -> bool:
        return _code_matches(user, challenge, code)

    await challenges.settle(token, challenge, check)
    return await finish(
        user, challenge.client(request_client.request_id), challenge.remember_me, challenge.via
    )


async def resend_code(token: str, method: str | None) -> tuple[str, str]:
    """Send a fresh code for a code-based challenge; returns (method, masked address)."""
    challenge = await challenges.load(token)
    if challenge.principal_kind != "user" or challenge.code_channel is None:
        raise NoSentCodes()
    channel = method or challenge.code_channel
    if channel != challenge.code_channel:
        raise WrongCodeMethod(challenge.code_channel)
    await ratelimit.cooldown(
        "challenge:resend", challenge.principal_id, runtime.get().settings.otp_resend_seconds
    )
    user = await accounts.get_user(challenge.principal_id)
    challenge.code_hash, sent_to = await _send_challenge_code(user, channel, challenge.client())
    await challenges.update(token, challenge)
    return channel, sent_to
