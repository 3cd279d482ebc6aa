"""Accounts: sign-up, usernames, looking users up, contact verification."""

from __future__ import annotations

import asyncio
import secrets
import unicodedata
from typing import Literal

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, ratelimit, runtime
from kwika.core.auth import ClientContext
from kwika.core.broker import after_success
from kwika.core.errors import (
    FieldError,
    ValidationFailed,
)
from kwika.core.ids import id_of, parse_id
from kwika.core.security import BadSignature, SignatureExpired
from kwika.modules import activity, notifications
from kwika.modules.identity.constants import (
    OTP_HOURLY_LIMIT,
    SIGNUP_IP_LIMIT,
    SIGNUP_WINDOW_SECONDS,
    Purpose,
)
from kwika.modules.identity.documents import User
from kwika.modules.identity.exceptions import (
    ContactAlreadyVerified,
    LinkExpired,
    LinkInvalid,
    NoSuchContact,
    OtpCodeInvalid,
    UserExists,
    UserNotFound,
)
from kwika.modules.identity.schemas import (
    OtpSentOut,
    SignupIn,
    SignupOut,
    UsernameCheckOut,
    VerifiedOut,
)
from kwika.modules.identity.services import codes
from kwika.modules.identity.validation import (
    default_region,
    looks_like_email,
    looks_like_phone,
    mask_email,
    mask_phone,
    normalize_email,
    normalize_phone,
    username_problem,
)

VerificationType = Literal["email", "phone"]
PROVIDER_ROLES = {"provider", "craftsman", "vendor", "guide"}


def actor_of(user: User) -> activity.Actor:
    return activity.Actor("user", user.id, user.username)


async def get_user(user_id: str | ObjectId) -> User:
    user = await User.get(parse_id(user_id, "User"))
    if user is None or user.status == "deleted":
        raise UserNotFound()
    return user


async def find_by_credential(credential: str) -> tuple[str, User | None]:
    """Resolve an email, phone or username; returns a normalised key for rate limits."""
    value = credential.strip()
    if looks_like_email(value):
        try:
            email = normalize_email(value)
        except ValueError:
            return f"email:{value.lower()}", None
        return f"email:{email}", await User.find_one(User.email == email)
    if looks_like_phone(value):
        try:
            phone = normalize_phone(value)
        except ValueError:
            return f"phone:{value}", None
        return f"phone:{phone}", await User.find_one(User.phone == phone)
    username = value.lower()
    return f"username:{username}", await User.find_one(User.username == username)


async def duplicate_fields(
    email: str | None, phone: str | None, username: str | None, exclude: ObjectId | None = None
) -> list[FieldError]:
    checks = [
        ("email", email, "Email is already registered"),
        ("phone", phone, "Phone number is already registered"),
        ("username", username, "Username is already taken"),
    ]
    problems = []
    for field, value, message in checks:
        if value is None:
            continue
        query: dict[str, object] = {field: value}
        if exclude is not None:
            query["_id"] = {"$ne": exclude}
        if await User.find_one(query) is not None:
            problems.append(FieldError(field, message))
    return problems


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _candidates(base: str, first: str, last: str) -> list[str]:
    region = default_region().lower()
    first, last = _ascii_slug(first), _ascii_slug(last)
    base = _ascii_slug(base) or f"{first}{last}" or "user"
    rand = secrets.randbelow
    options = [
        f"{first}_{last}" if first and last else "",
        f"{first}{last[:1]}" if first and last else "",
        f"{base}{rand(90) + 10}",
        f"{first}_{last}{rand(9) + 1}" if first and last else f"{base}_{rand(9) + 1}",
        f"{base}_{region}",
        f"{first}{last}" if first and last else "",
        f"{base}{rand(900) + 100}",
        f"{base}_{rand(9000) + 1000}",
    ]
    seen: list[str] = []
    for option in options:
        option = option[:30]
        if option and option not in seen and not username_problem(option):
            seen.append(option)
    return seen


async def _available(candidates: list[str]) -> list[str]:
    taken = {
        doc["username"]
        async for doc in User.get_motor_collection().find(
            {"username": {"$in": candidates}}, {"username": 1}
        )
    }
    return [c for c in candidates if c not in taken]


async def check_username(username: str, first: str | None, last: str | None) -> UsernameCheckOut:
    problem = username_problem(username)
    if problem:
        raise ValidationFailed(problem, errors=[FieldError("username", problem)])
    lowered = username.lower()
    if await User.find_one(User.username == lowered) is None:
        return UsernameCheckOut(available=True, username=lowered)
    suggestions = await _available(_candidates(lowered, first or "", last or ""))
    return UsernameCheckOut(available=False, username=lowered, suggestions=suggestions[:5])


async def generate_username(first: str, last: str) -> str:
    base = (_ascii_slug(first) + _ascii_slug(last))[:24] or "user"
    if len(base) < 3:
        base = f"{base}user"
    for attempt in range(8):
        candidates = [base] if attempt == 0 else []
        candidates += [f"{base}{secrets.randbelow(10 ** (2 + attempt))}" for _ in range(5)]
        candidates = [c for c in candidates if not username_problem(c)]
        available = await _available(candidates)
        if available:
            return available[0]
    return f"user{secrets.token_hex(6)}"


def _account_type(data: SignupIn) -> Literal["client", "provider"]:
    if data.account_type:
        return data.account_type
    return "provider" if (data.role or "").lower() in PROVIDER_ROLES else "client"


async def signup(data: SignupIn, client: ClientContext) -> SignupOut:
    problems = []
    if not data.email and not data.phone:
        problems.append(FieldError("email", "Provide an email address or a phone number"))
    if data.password is None and not data.registered_by:
        problems.append(FieldError("password", "Password is required"))
    if problems:
        raise ValidationFailed(errors=problems)
    await ratelimit.limit(
        "signup:ip",
        client.ip,
        SIGNUP_IP_LIMIT,
        SIGNUP_WINDOW_SECONDS,
        "Too many sign-ups from this network. Please try again later.",
    )
    duplicates = await duplicate_fields(data.email, data.phone, data.username)
    if duplicates:
        raise UserExists(errors=duplicates)
    rt = runtime.get()
    password_hash = (
        await asyncio.to_thread(rt.passwords.hash, data.password) if data.password else None
    )
    user = User(
        email=data.email,
        phone=data.phone,
        username=data.username or await generate_username(data.first_name, data.last_name),
        password_hash=password_hash,
        first_name=data.first_name,
        last_name=data.last_name,
        account_type=_account_type(data),
        registered_by=data.registered_by,
        password_changed_at=clock.now() if password_hash else None,
    )
    try:
        await user.insert()
    except DuplicateKeyError:
        # Lost a race with an identical sign-up: report it like the check above.
        duplicates = await duplicate_fields(data.email, data.phone, data.username)
        raise UserExists(errors=duplicates) from None
    await activity.record(
        actor_of(user),
        "user.registered",
        target_type="user",
        target_id=user.id,
        details={"account_type": user.account_type, "registered_by": user.registered_by},
        ip=client.ip,
    )
    if data.registered_by:
        await send_set_password_link(user)
        return SignupOut(
            id=str(user.id), username=user.username, verification_type=None, sent_to=None
        )
    channel: VerificationType = "email" if user.email else "phone"
    sent_to = await send_verification(user, channel)
    return SignupOut(
        id=str(user.id), username=user.username, verification_type=channel, sent_to=sent_to
    )


async def send_set_password_link(user: User) -> None:
    """Inline registration (PRODUCT.md): a one-time link to choose a password, never a password.

    The link goes by SMS when there is a phone (as seed 003 sends the welcome SMS), else
    by email; opening it proves that address, so it is marked verified.
    """
    settings = runtime.get().settings
    channel: VerificationType = "phone" if user.phone else "email"
    address = destination(user, channel)
    token = await codes.issue_link_token(
        id_of(user), Purpose.SET_PASSWORD, channel, address, settings.set_password_ttl_seconds
    )
    link = f"{settings.frontend_url.rstrip('/')}/set-password?token={token}"
    await notifications.send_direct(
        "sms" if channel == "phone" else "email",
        address,
        "set_password_link",
        {
            "first_name": user.first_name,
            "registered_by": user.registered_by,
            "link": link,
            "days": settings.set_password_ttl_seconds // 86400,
        },
        user_id=user.id,
        sensitive=True,
        data={"purpose": Purpose.SET_PASSWORD},
    )


def destination(user: User, channel: VerificationType) -> str:
    value = user.email if channel == "email" else user.phone
    if not value:
        label = "an email address" if channel == "email" else "a phone number"
        raise NoSuchContact(label)
    return value


def masked(channel: str, value: str) -> str:
    return mask_email(value) if channel == "email" else mask_phone(value)


async def send_verification(user: User, channel: VerificationType) -> str:
    """Send a 6-digit code (and, for email, a one-click link); returns the masked address."""
    rt = runtime.get()
    address = destination(user, channel)
    purpose = Purpose.VERIFY_EMAIL if channel == "email" else Purpose.VERIFY_PHONE
    code = await codes.issue_code(
        id_of(user), purpose, channel, address, rt.settings.otp_ttl_seconds
    )
    context = {
        "first_name": user.first_name,
        "code": code,
        "minutes": rt.settings.otp_ttl_seconds // 60,
        "link": None,
    }
    if channel == "email":
        token = rt.keyring.sign(
            "verify-email",
            {"uid": str(user.id), "email": address},
            rt.settings.email_link_ttl_seconds,
        )
        context["link"] = f"{rt.settings.frontend_url.rstrip('/')}/verify-email?token={token}"
    await notifications.send_direct(
        "email" if channel == "email" else "sms",
        address,
        "verify_code",
        context,
        user_id=user.id,
        sensitive=True,
        data={"purpose": purpose, "user_id": str(user.id)},
    )
    return masked(channel, address)


async def request_otp(user_id: str, channel: VerificationType) -> OtpSentOut:
    user = await get_user(user_id)
    if user.is_email_verified if channel == "email" else user.is_phone_verified:
        raise ContactAlreadyVerified(channel)
    destination(user, channel)
    subject = f"{user.id}:{channel}"
    await ratelimit.cooldown(
        "otp:request",
        subject,
        runtime.get().settings.otp_resend_seconds,
        f"Too many OTP requests. Please wait {runtime.get().settings.otp_resend_seconds} seconds.",
    )
    await ratelimit.limit(
        "otp:hourly",
        subject,
        OTP_HOURLY_LIMIT,
        3600,
        "Too many OTP requests. Please try again later.",
    )
    sent_to = await send_verification(user, channel)
    return OtpSentOut(
        user_id=str(user.id),
        verification_type=channel,
        expires_in=runtime.get().settings.otp_ttl_seconds,
        sent_to=sent_to,
    )


async def mark_verified(user: User, channel: VerificationType) -> VerifiedOut:
    """Mark the email or phone verified; the account's first verification (the one that
    lets it sign in) also sends the welcome."""
    now = clock.now()
    field = "is_email_verified" if channel == "email" else "is_phone_verified"
    stamp = "email_verified_at" if channel == "email" else "phone_verified_at"
    before = await User.get_motor_collection().find_one_and_update(
        {"_id": user.id},
        {"$set": {field: True, stamp: now, "updated_at": now}},
        projection={"is_email_verified": 1, "is_phone_verified": 1},
        return_document=ReturnDocument.BEFORE,
    )
    if before is not None and not (
        before.get("is_email_verified") or before.get("is_phone_verified")
    ):
        await welcome(id_of(user))
    return VerifiedOut(user_id=str(user.id), verification_type=channel, verified_at=now)


async def welcome(user_id: ObjectId) -> None:
    """The welcome notification (seed 002 Task 14's welcome email), at most once per
    account, once the verifying request succeeded (a failed request leaves the account
    still to be welcomed by the next verification)."""

    async def welcome_once() -> None:
        await _welcome_once(user_id)

    await after_success(welcome_once)


async def _welcome_once(user_id: ObjectId) -> None:
    # welcomed_at is claimed first, so a retried or concurrent verification sends nothing.
    claimed = await User.get_motor_collection().update_one(
        {"_id": user_id, "welcomed_at": {"$exists": False}},
        {"$set": {"welcomed_at": clock.now()}},
    )
    if not claimed.modified_count:
        return
    app_name = runtime.get().settings.app_name
    await notifications.notify(
        user_id,
        "account_created",
        f"Welcome to {app_name}",
        "Your account is ready.",
    )


async def verify_otp(user_id: str, channel: VerificationType, code: str) -> VerifiedOut:
    user = await get_user(user_id)
    purpose = Purpose.VERIFY_EMAIL if channel == "email" else Purpose.VERIFY_PHONE
    record = await codes.consume_code(id_of(user), purpose, code)
    if record.destination != (user.email if channel == "email" else user.phone):
        raise OtpCodeInvalid()
    return await mark_verified(user, channel)


async def verify_email_link(token: str) -> VerifiedOut:
    try:
        payload = runtime.get().keyring.unsign("verify-email", token)
    except SignatureExpired:
        raise LinkExpired() from None
    except BadSignature:
        raise LinkInvalid() from None
    user = await get_user(str(payload.get("uid", "")))
    if user.email != payload.get("email"):
        raise LinkInvalid()
    return await mark_verified(user, "email")
