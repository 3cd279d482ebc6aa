"""A user's two-factor settings (seed 003 19.5-19.7): enable, confirm, disable, backup codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from kwika.core import clock, ratelimit, runtime
from kwika.core.auth import ClientContext
from kwika.core.ids import id_of
from kwika.core.tokens import Principal
from kwika.modules import activity, notifications
from kwika.modules.identity.constants import TOTP_SETUP_TTL_SECONDS, CodeChannel, Purpose
from kwika.modules.identity.documents import TwoFactor, User
from kwika.modules.identity.exceptions import (
    BackupCodesNeedApp,
    EmailNotVerified,
    PhoneNotVerified,
    TwoFactorDisabled,
    TwoFactorEnabled,
    TwoFactorNeedsPassword,
    TwoFactorSetupExpired,
    UseAppCode,
    VerificationCodeInvalid,
)
from kwika.modules.identity.schemas import BackupCodesOut, TwoFactorSetupOut, TwoFactorStateOut
from kwika.modules.identity.services import accounts, codes, passwords, throttle, totp


def _channel_address(user: User, method: str) -> tuple[Literal["email", "sms"], str]:
    if method == "email":
        if not (user.email and user.is_email_verified):
            raise EmailNotVerified()
        return "email", user.email
    if not (user.phone and user.is_phone_verified):
        raise PhoneNotVerified()
    return "sms", user.phone


async def _send_code(user: User, method: str, purpose: str) -> str:
    channel, address = _channel_address(user, method)
    ttl = runtime.get().settings.otp_ttl_seconds
    code = await codes.issue_code(id_of(user), purpose, channel, address, ttl)
    await notifications.send_direct(
        channel,
        address,
        "signin_code",
        {"code": code, "minutes": ttl // 60, "device": None},
        user_id=user.id,
        sensitive=True,
        data={"purpose": purpose},
    )
    return accounts.masked(channel, address)


async def enable(principal: Principal, method: str, password: str) -> TwoFactorSetupOut:
    user = await accounts.get_user(principal.id)
    if user.password_hash is None:
        raise TwoFactorNeedsPassword()
    await passwords.require_password(user, password)
    if user.two_factor.enabled:
        raise TwoFactorEnabled()
    now = clock.now()
    tf = user.two_factor
    tf.pending_method = method  # type: ignore[assignment]
    if method == "authenticator":
        secret = totp.new_secret()
        plain, hashes = totp.new_backup_codes(id_of(user))
        tf.pending_secret_encrypted = totp.encrypt(secret)
        tf.pending_backup_code_hashes = hashes
        tf.pending_expires_at = now + timedelta(seconds=TOTP_SETUP_TTL_SECONDS)
        await user.save()
        uri = totp.otpauth_uri(secret, user.email or user.phone or user.username)
        return TwoFactorSetupOut(
            method=method,
            secret=secret,
            otpauth_uri=uri,
            qr_code_url=totp.qr_data_url(uri),
            backup_codes=plain,
            expires_at=tf.pending_expires_at,
        )
    sent_to = await _send_code(user, method, Purpose.TWO_FACTOR_SETUP)
    tf.pending_secret_encrypted, tf.pending_backup_code_hashes = None, []
    tf.pending_expires_at = now + timedelta(seconds=runtime.get().settings.otp_ttl_seconds)
    await user.save()
    return TwoFactorSetupOut(method=method, sent_to=sent_to, expires_at=tf.pending_expires_at)


async def confirm(principal: Principal, code: str, client: ClientContext) -> TwoFactorStateOut:
    user = await accounts.get_user(principal.id)
    tf = user.two_factor
    if tf.enabled:
        raise TwoFactorEnabled()
    if not tf.pending_method or not tf.pending_expires_at or tf.pending_expires_at <= clock.now():
        raise TwoFactorSetupExpired()
    step = 0
    if tf.pending_method == "authenticator":
        assert tf.pending_secret_encrypted is not None
        matched = totp.matched_step(totp.decrypt(tf.pending_secret_encrypted), code)
        if matched is None:
            raise VerificationCodeInvalid()
        step = matched
    else:
        await codes.consume_code(id_of(user), Purpose.TWO_FACTOR_SETUP, code)
    now = clock.now()
    enabled = TwoFactor(
        enabled=True,
        method=tf.pending_method,
        secret_encrypted=tf.pending_secret_encrypted,
        enabled_at=now,
        last_used_step=step,
        backup_code_hashes=tf.pending_backup_code_hashes,
    )
    result = await User.get_motor_collection().update_one(
        {"_id": user.id, "two_factor.enabled": False},
        {"$set": {"two_factor": enabled.model_dump(), "updated_at": now}},
    )
    if result.modified_count != 1:
        raise TwoFactorEnabled()
    await _record(user, "user.two_factor_enabled", client, enabled.method)
    return TwoFactorStateOut(two_factor_enabled=True, method=enabled.method, enabled_at=now)


async def send_disable_code(principal: Principal) -> str:
    user = await accounts.get_user(principal.id)
    tf = user.two_factor
    if not tf.enabled or tf.method == "authenticator":
        raise UseAppCode()
    await ratelimit.cooldown("2fa:code", str(user.id), runtime.get().settings.otp_resend_seconds)
    return await _send_code(user, tf.method or "sms", Purpose.TWO_FACTOR_DISABLE)


async def _second_factor_ok(user: User, code: str) -> bool:
    tf = user.two_factor
    if tf.method == "authenticator" and tf.secret_encrypted:
        secret = totp.decrypt(tf.secret_encrypted)
        return await totp.accept_totp(
            User, id_of(user), secret, code
        ) or await totp.accept_backup_code(User, id_of(user), code)
    await codes.consume_code(id_of(user), Purpose.TWO_FACTOR_DISABLE, code)
    return True


async def disable(
    principal: Principal, password: str, code: str, client: ClientContext
) -> TwoFactorStateOut:
    user = await accounts.get_user(principal.id)
    await passwords.require_password(user, password)
    if not user.two_factor.enabled:
        raise TwoFactorDisabled()
    # Codes spend from the account's second-factor budget, as at sign-in.
    await throttle.code_attempt(f"user:{user.id}")
    if not await _second_factor_ok(user, code):
        raise VerificationCodeInvalid()
    await throttle.code_accepted(f"user:{user.id}")
    now = clock.now()
    cleared = TwoFactor(last_used_step=user.two_factor.last_used_step)
    await User.get_motor_collection().update_one(
        {"_id": user.id}, {"$set": {"two_factor": cleared.model_dump(), "updated_at": now}}
    )
    await _record(user, "user.two_factor_disabled", client, user.two_factor.method)
    return TwoFactorStateOut(two_factor_enabled=False, disabled_at=now)


async def regenerate_backup_codes(principal: Principal, password: str) -> BackupCodesOut:
    user = await accounts.get_user(principal.id)
    await passwords.require_password(user, password)
    if not user.two_factor.enabled or user.two_factor.method != "authenticator":
        raise BackupCodesNeedApp()
    plain, hashes = totp.new_backup_codes(id_of(user))
    await User.get_motor_collection().update_one(
        {"_id": user.id}, {"$set": {"two_factor.backup_code_hashes": hashes}}
    )
    return BackupCodesOut(backup_codes=plain)


async def _record(user: User, action: str, client: ClientContext, method: str | None) -> None:
    await activity.record(
        accounts.actor_of(user),
        action,
        target_type="user",
        target_id=user.id,
        details={"method": method},
        ip=client.ip,
    )
    headline = (
        "two-factor authentication turned on"
        if action.endswith("enabled")
        else "two-factor authentication turned off"
    )
    channel: CodeChannel
    channel, address = ("email", user.email) if user.email else ("sms", user.phone)
    if address:
        await notifications.send_direct(
            channel,
            address,
            "security_alert",
            {
                "first_name": user.first_name,
                "headline": headline,
                "detail": f"On your account, {headline} from IP {client.ip}.",
            },
            user_id=user.id,
            data={"purpose": action},
        )
