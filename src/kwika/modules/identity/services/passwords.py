"""Forgot/reset (email link or SMS code), change, and first password for Google-only accounts."""

from __future__ import annotations

import asyncio

from kwika.core import clock, ratelimit, runtime
from kwika.core.auth import ClientContext
from kwika.core.broker import enqueue
from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of
from kwika.core.tokens import Principal
from kwika.modules import activity, notifications
from kwika.modules.identity.constants import (
    RESET_IP_LIMIT,
    RESET_WINDOW_SECONDS,
    CodeChannel,
    Purpose,
)
from kwika.modules.identity.documents import User
from kwika.modules.identity.exceptions import (
    CurrentPasswordIncorrect,
    NoPassword,
    PasswordExists,
    PasswordIncorrect,
    ResetCodeInvalid,
)
from kwika.modules.identity.schemas import (
    ChangePasswordIn,
    ForgotPasswordIn,
    ResetPasswordIn,
    SetPasswordIn,
)
from kwika.modules.identity.services import accounts, codes, sessions, throttle
from kwika.modules.identity.validation import normalize_email, normalize_phone

FORGOT_MESSAGE = "If an account exists for this address, password reset instructions have been sent"


def check_confirmation(password: str, confirmation: str, confirm_field: str) -> None:
    """The strength rules are checked by the request schema; this is the cross-field one."""
    if password != confirmation:
        raise ValidationFailed.single(confirm_field, "Passwords do not match")


async def forgot(data: ForgotPasswordIn, client: ClientContext) -> None:
    """Always the same answer, whether or not the account exists (PRODUCT.md)."""
    if not data.email and not data.phone:
        raise ValidationFailed.single("email", "Provide your email address or phone number")
    try:
        email = normalize_email(data.email) if data.email else None
        phone = normalize_phone(data.phone) if data.phone and not email else None
    except ValueError as exc:
        field = "email" if data.email else "phone"
        raise ValidationFailed.single(field, str(exc)) from None
    await ratelimit.limit(
        "reset:ip",
        client.ip,
        RESET_IP_LIMIT,
        RESET_WINDOW_SECONDS,
        "Too many password reset requests. Please try again later.",
    )
    settings = runtime.get().settings
    address = email or phone
    assert address is not None
    # Keyed on the address, existing or not, so the limit itself reveals nothing.
    await ratelimit.cooldown(
        "reset:address",
        address,
        settings.otp_resend_seconds,
        "Please wait before asking for another reset.",
    )
    # Nothing about the account is looked up here: finding it, making the code or link
    # and sending it happen in an actor after the answer, so an existing address takes the
    # same path (and time) as an unknown one.
    from kwika.modules.identity import tasks  # tasks imports the services

    await enqueue(tasks.send_password_reset, "email" if email else "phone", address)


async def send_reset(kind: str, address: str) -> None:
    """The background half of :func:`forgot`: a link by email or a code by SMS, when an
    account uses ``address``."""
    settings = runtime.get().settings
    email = address if kind == "email" else None
    phone = address if kind == "phone" else None
    user = await User.find_one({"email": email} if email else {"phone": phone})
    if user is None or user.status in ("deleted", "banned"):
        return
    if email:
        token = await codes.issue_link_token(
            id_of(user), Purpose.RESET_PASSWORD, "email", email, settings.password_reset_ttl_seconds
        )
        link = f"{settings.frontend_url.rstrip('/')}/reset-password?token={token}"
        await notifications.send_direct(
            "email",
            email,
            "password_reset_link",
            {
                "first_name": user.first_name,
                "link": link,
                "minutes": settings.password_reset_ttl_seconds // 60,
            },
            user_id=user.id,
            sensitive=True,
            data={"purpose": Purpose.RESET_PASSWORD},
        )
    else:
        assert phone is not None
        code = await codes.issue_code(
            id_of(user), Purpose.RESET_PASSWORD_CODE, "sms", phone, settings.otp_ttl_seconds
        )
        await notifications.send_direct(
            "sms",
            phone,
            "password_reset_code",
            {"code": code, "minutes": settings.otp_ttl_seconds // 60},
            user_id=user.id,
            sensitive=True,
            data={"purpose": Purpose.RESET_PASSWORD_CODE},
        )


async def reset(data: ResetPasswordIn, client: ClientContext) -> None:
    check_confirmation(data.password, data.password_confirmation, "password_confirmation")
    if data.token:
        record = await codes.consume_link_token(
            (Purpose.RESET_PASSWORD, Purpose.SET_PASSWORD), data.token
        )
    elif data.code and (data.phone or data.email):
        _, user = await accounts.find_by_credential(data.phone or data.email or "")
        if user is None:
            raise ResetCodeInvalid()
        record = await codes.consume_code(id_of(user), Purpose.RESET_PASSWORD_CODE, data.code)
    else:
        raise ValidationFailed.single(
            "token", "Provide the token from the email, or the SMS code with your phone number"
        )
    user = await accounts.get_user(record.user_id)
    await _store_password(user, data.password)
    # The link or code reached that address, which proves the user holds it.
    if record.channel == "email" and record.destination == user.email:
        await accounts.mark_verified(user, "email")
    elif record.channel in ("sms", "phone") and record.destination == user.phone:
        await accounts.mark_verified(user, "phone")
    revoked = await sessions.revoke_all(id_of(user), "password_reset")
    await activity.record(
        accounts.actor_of(user),
        "user.password_reset",
        target_type="user",
        target_id=user.id,
        details={"sessions_revoked": revoked},
        ip=client.ip,
    )
    await alert_password_changed(user, "reset")


async def change(principal: Principal, data: ChangePasswordIn, client: ClientContext) -> None:
    user = await accounts.get_user(principal.id)
    if user.password_hash is None:
        raise NoPassword()
    if not await verify_password(user, data.current_password):
        raise CurrentPasswordIncorrect()
    check_confirmation(data.new_password, data.confirm_password, "confirm_password")
    if data.new_password == data.current_password:
        raise ValidationFailed.single(
            "new_password", "New password must differ from the current one"
        )
    await _store_password(user, data.new_password)
    revoked = await sessions.revoke_all(id_of(user), "password_changed", keep=principal.session_id)
    await activity.record(
        accounts.actor_of(user),
        "user.password_changed",
        target_type="user",
        target_id=user.id,
        details={"sessions_revoked": revoked},
        ip=client.ip,
    )
    await alert_password_changed(user, "changed")


async def set_first(principal: Principal, data: SetPasswordIn, client: ClientContext) -> None:
    user = await accounts.get_user(principal.id)
    if user.password_hash is not None:
        raise PasswordExists()
    check_confirmation(data.new_password, data.confirm_password, "confirm_password")
    await _store_password(user, data.new_password)
    await activity.record(
        accounts.actor_of(user),
        "user.password_set",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
    )
    await alert_password_changed(user, "set")


async def verify_password(user: User, password: str) -> bool:
    """Check a signed-in user's password against the account's attempt budget (429 when
    it is used up); a right one clears the failures."""
    await throttle.password_check(str(user.id))
    valid = await asyncio.to_thread(runtime.get().passwords.verify, user.password_hash, password)
    if valid:
        await throttle.password_check_passed(str(user.id))
    return bool(valid)


async def require_password(user: User, password: str, field: str = "password") -> None:
    if not await verify_password(user, password):
        raise PasswordIncorrect(field)


async def _store_password(user: User, password: str) -> None:
    password_hash = await asyncio.to_thread(runtime.get().passwords.hash, password)
    now = clock.now()
    await User.get_motor_collection().update_one(
        {"_id": user.id},
        {"$set": {"password_hash": password_hash, "password_changed_at": now, "updated_at": now}},
    )


async def alert_password_changed(user: User, how: str) -> None:
    channel: CodeChannel
    channel, address = ("email", user.email) if user.email else ("sms", user.phone)
    if not address:
        return
    await notifications.send_direct(
        channel,
        address,
        "password_changed",
        {
            "first_name": user.first_name,
            "how": how,
            "when": clock.now().strftime("%Y-%m-%d %H:%M UTC"),
        },
        user_id=user.id,
        data={"purpose": "password_changed"},
    )
