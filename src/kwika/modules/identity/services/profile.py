"""Profiles, contact changes (seed 003 13.5/13.6) and account deletion with a grace period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, ratelimit, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of
from kwika.core.tokens import Principal
from kwika.modules import activity, notifications
from kwika.modules.identity import signals
from kwika.modules.identity.constants import CodeChannel, Purpose
from kwika.modules.identity.documents import PendingContact, TwoFactor, User
from kwika.modules.identity.exceptions import (
    ContactInUse,
    ContactTakenMeanwhile,
    NoPendingChange,
    OtpCodeInvalid,
    SameContact,
    UsernameTaken,
    UserNotFound,
)
from kwika.modules.identity.schemas import (
    DeletionOut,
    PendingContactOut,
    ProfileOut,
    ProfileUpdateIn,
    PublicUserOut,
)
from kwika.modules.identity.services import accounts, codes, devices, passwords, sessions


async def get_profile(principal: Principal) -> ProfileOut:
    return ProfileOut.of(await accounts.get_user(principal.id))


async def public_profile(user_id: str) -> PublicUserOut:
    user = await accounts.get_user(user_id)
    # A sign-up nobody confirmed is not shown: anyone can type any name into a sign-up.
    if user.status != "active" or not user.is_verified:
        raise UserNotFound()
    return PublicUserOut.of(user)


def _changes(data: ProfileUpdateIn) -> dict[str, Any]:
    given = data.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for field in ("first_name", "last_name", "username", "bio", "gender", "login_alerts"):
        if field in given:
            changes[field] = given[field]
    if "date_of_birth" in given:
        value = given["date_of_birth"]
        changes["date_of_birth"] = value.isoformat() if value else None
    for field in ("city", "country", "country_code"):
        if field in given:
            changes[f"location.{field}"] = given[field]
    for field in ("instagram", "twitter", "facebook", "linkedin", "website"):
        if field in given:
            value = given[field]
            changes[f"social_links.{field}"] = str(value) if value is not None else None
    return changes


async def update_profile(
    principal: Principal, data: ProfileUpdateIn, client: ClientContext
) -> ProfileOut:
    user = await accounts.get_user(principal.id)
    changes = _changes(data)
    if "username" in changes and changes["username"] != user.username:
        taken = await accounts.duplicate_fields(None, None, changes["username"], exclude=user.id)
        if taken:
            raise UsernameTaken(taken)
    if changes:
        unset = {k: "" for k, v in changes.items() if v is None}
        update: dict[str, Any] = {
            "$set": {
                **{k: v for k, v in changes.items() if v is not None},
                "updated_at": clock.now(),
            }
        }
        if unset:
            update["$unset"] = unset
        try:
            await User.get_motor_collection().update_one({"_id": user.id}, update)
        except DuplicateKeyError:
            raise UsernameTaken() from None
        await signals.user_changed.send(user_id=id_of(user))
        await activity.record(
            accounts.actor_of(user),
            "user.profile_updated",
            target_type="user",
            target_id=user.id,
            details={"fields": sorted(changes)},
            ip=client.ip,
        )
    return ProfileOut.of(await accounts.get_user(id_of(user)))


async def start_contact_change(
    principal: Principal, kind: str, new_value: str, password: str
) -> PendingContactOut:
    """Send a code to the new email/phone; the change happens only once it is confirmed."""
    user = await accounts.get_user(principal.id)
    await passwords.require_password(user, password)
    field = "email" if kind == "email" else "phone"
    if getattr(user, field) == new_value:
        raise SameContact(field)
    taken = await accounts.duplicate_fields(
        new_value if kind == "email" else None,
        new_value if kind == "phone" else None,
        None,
        exclude=user.id,
    )
    if taken:
        label = "Email" if kind == "email" else "Phone number"
        raise ContactInUse(label, taken)
    settings = runtime.get().settings
    await ratelimit.cooldown(
        f"contact:{kind}",
        str(user.id),
        settings.otp_resend_seconds,
        f"Please wait {settings.otp_resend_seconds} seconds before retrying.",
    )
    purpose = Purpose.CHANGE_EMAIL if kind == "email" else Purpose.CHANGE_PHONE
    channel: CodeChannel = "email" if kind == "email" else "sms"
    code = await codes.issue_code(
        id_of(user), purpose, channel, new_value, settings.otp_ttl_seconds
    )
    expires_at = clock.now() + timedelta(seconds=settings.otp_ttl_seconds)
    pending = PendingContact(value=new_value, expires_at=expires_at)
    await User.get_motor_collection().update_one(
        {"_id": user.id}, {"$set": {f"pending_{field}": pending.model_dump()}}
    )
    await notifications.send_direct(
        channel,
        new_value,
        "contact_change_code",
        {
            "first_name": user.first_name,
            "code": code,
            "minutes": settings.otp_ttl_seconds // 60,
            "contact_label": "email address" if kind == "email" else "phone number",
        },
        user_id=user.id,
        sensitive=True,
        data={"purpose": purpose},
    )
    if kind == "email":
        return PendingContactOut(pending_email=new_value, verification_expires_at=expires_at)
    return PendingContactOut(pending_phone=new_value, verification_expires_at=expires_at)


async def confirm_contact_change(
    principal: Principal, kind: str, code: str, client: ClientContext
) -> ProfileOut:
    user = await accounts.get_user(principal.id)
    field = "email" if kind == "email" else "phone"
    pending: PendingContact | None = getattr(user, f"pending_{field}")
    if pending is None:
        raise NoPendingChange(field)
    purpose = Purpose.CHANGE_EMAIL if kind == "email" else Purpose.CHANGE_PHONE
    record = await codes.consume_code(id_of(user), purpose, code)
    if record.destination != pending.value:
        raise OtpCodeInvalid()
    now = clock.now()
    try:
        await User.get_motor_collection().update_one(
            {"_id": user.id},
            {
                "$set": {
                    field: pending.value,
                    f"is_{field}_verified": True,
                    f"{field}_verified_at": now,
                    "updated_at": now,
                },
                "$unset": {f"pending_{field}": ""},
            },
        )
    except DuplicateKeyError:
        raise ContactTakenMeanwhile(field) from None
    await activity.record(
        accounts.actor_of(user),
        f"user.{field}_changed",
        target_type="user",
        target_id=user.id,
        ip=client.ip,
    )
    old = getattr(user, field)
    if old:
        await notifications.send_direct(
            "email" if kind == "email" else "sms",
            old,
            "security_alert",
            {
                "first_name": user.first_name,
                "headline": f"your {field} was changed",
                "detail": f"The {field} of your account was changed to {pending.value}.",
            },
            user_id=user.id,
            data={"purpose": f"{field}_changed"},
        )
    return ProfileOut.of(await accounts.get_user(id_of(user)))


async def revoke_other_sessions(principal: Principal, password: str) -> int:
    user = await accounts.get_user(principal.id)
    await passwords.require_password(user, password)
    return await sessions.revoke_all(id_of(user), "revoked_by_user", keep=principal.session_id)


async def schedule_deletion(
    principal: Principal,
    password: str | None,
    reason: str | None,
    feedback: str | None,
    client: ClientContext,
) -> DeletionOut:
    user = await accounts.get_user(principal.id)
    if user.password_hash is not None:
        if not password:
            raise ValidationFailed.single("password", "Password is required")
        await passwords.require_password(user, password)
    now = clock.now()
    final = now + timedelta(days=runtime.get().settings.account_deletion_grace_days)
    await User.get_motor_collection().update_one(
        {"_id": user.id},
        {
            "$set": {
                "status": "pending_deletion",
                "updated_at": now,
                "deletion": {
                    "requested_at": now,
                    "final_at": final,
                    "reason": reason,
                    "feedback": feedback,
                },
            }
        },
    )
    await sessions.revoke_all(id_of(user), "account_deleted")
    await signals.user_changed.send(user_id=id_of(user))
    await activity.record(
        accounts.actor_of(user),
        "user.deletion_requested",
        target_type="user",
        target_id=user.id,
        details={"reason": reason},
        ip=client.ip,
    )
    if user.email:
        await notifications.send_direct(
            "email",
            user.email,
            "account_deletion",
            {"first_name": user.first_name, "final_date": final.strftime("%Y-%m-%d")},
            user_id=user.id,
            data={"purpose": "account_deletion"},
        )
    return DeletionOut(deletion_scheduled_at=now, final_deletion_at=final)


async def due_for_anonymisation(limit: int = 500) -> list[ObjectId]:
    cursor = (
        User.get_motor_collection()
        .find(
            {"status": "pending_deletion", "deletion.final_at": {"$lte": clock.now()}}, {"_id": 1}
        )
        .limit(limit)
    )
    return [row["_id"] async for row in cursor]


async def anonymise(user_id: ObjectId) -> bool:
    """Erase personal data of an account whose grace period ended; safe to run twice."""
    now = clock.now()
    result = await User.get_motor_collection().update_one(
        {"_id": user_id, "status": "pending_deletion", "deletion.final_at": {"$lte": now}},
        {
            "$set": {
                "status": "deleted",
                "username": f"deleted_{user_id}",
                "first_name": "Deleted",
                "last_name": "User",
                "is_email_verified": False,
                "is_phone_verified": False,
                "two_factor": TwoFactor().model_dump(),
                "updated_at": now,
                "location": {},
                "social_links": {},
                "login_alerts": False,
            },
            "$unset": {
                "email": "",
                "phone": "",
                "password_hash": "",
                "google": "",
                "avatar": "",
                "bio": "",
                "date_of_birth": "",
                "gender": "",
                "pending_email": "",
                "pending_phone": "",
                "registered_by": "",
                "deletion.feedback": "",
                "email_verified_at": "",
                "phone_verified_at": "",
            },
        },
    )
    if result.modified_count != 1 and not await _erasure_unfinished(user_id):
        return False
    await sessions.revoke_all(user_id, "account_deleted")
    await devices.forget_all(user_id)
    await activity.forget_actor(user_id)
    # Other modules erase what they hold, each in its own retried delivery (receivers are
    # idempotent). If this actor fails before erased_at is set, its retry finds the account
    # anonymised but not finished and sends the signal again.
    await signals.user_anonymised.send(user_id=user_id)
    await activity.record(
        activity.Actor.system(), "user.anonymised", target_type="user", target_id=user_id
    )
    await User.get_motor_collection().update_one(
        {"_id": user_id}, {"$set": {"deletion.erased_at": clock.now()}}
    )
    return True


async def _erasure_unfinished(user_id: ObjectId) -> bool:
    found = await User.get_motor_collection().count_documents(
        {"_id": user_id, "status": "deleted", "deletion.erased_at": None}
    )
    return found > 0
