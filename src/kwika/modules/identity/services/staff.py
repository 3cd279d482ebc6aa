"""Staff accounts: separate from users, TOTP mandatory, managed by admins."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from typing import Any

from bson import ObjectId
from pydantic import ValidationError as PydanticValidationError
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import (
    Conflict,
    ValidationFailed,
)
from kwika.core.ids import id_of, parse_id
from kwika.core.pagination import Page, PageParams
from kwika.core.tokens import Principal
from kwika.modules import activity
from kwika.modules.identity.documents import StaffAccount, TwoFactor
from kwika.modules.identity.exceptions import (
    ChallengeExpired,
    LastAdmin,
    SelfChange,
    StaffCannotSignIn,
    StaffCredentialsInvalid,
    StaffDeactivated,
    StaffEnrolmentCompleted,
    StaffExists,
    StaffNotFound,
    StaffNotVerified,
)
from kwika.modules.identity.schemas import (
    StaffAuthOut,
    StaffChallengeOut,
    StaffCreateIn,
    StaffOut,
    StaffUpdateIn,
)
from kwika.modules.identity.services import challenges, sessions, throttle, totp
from kwika.modules.identity.services.challenges import Challenge

log = logging.getLogger(__name__)


def actor_of(staff: StaffAccount) -> activity.Actor:
    return activity.Actor("staff", staff.id, staff.email)


async def _get(staff_id: str | ObjectId) -> StaffAccount:
    staff = await StaffAccount.get(parse_id(staff_id, "Staff member"))
    if staff is None:
        raise StaffNotFound()
    return staff


async def create(data: StaffCreateIn, by: activity.Actor, ip: str | None = None) -> StaffAccount:
    staff = StaffAccount(
        email=data.email,
        username=data.username,
        password_hash=await asyncio.to_thread(runtime.get().passwords.hash, data.password),
        first_name=data.first_name,
        last_name=data.last_name,
        role=data.role,
        is_verified=data.is_verified,
        created_by=by.id,
    )
    try:
        await staff.insert()
    except DuplicateKeyError:
        field = "email" if await StaffAccount.find_one({"email": data.email}) else "username"
        raise StaffExists(field) from None
    await activity.record(
        by,
        "staff.created",
        target_type="staff",
        target_id=staff.id,
        details={"role": staff.role, "email": staff.email},
        ip=ip,
    )
    return staff


async def bootstrap_admin() -> None:
    """Create the first admin from KWIKA_BOOTSTRAP_ADMIN_* when no staff account exists."""
    settings = runtime.get().settings
    if not settings.bootstrap_admin_email or settings.bootstrap_admin_password is None:
        return
    if await StaffAccount.find_one({}) is not None:
        return
    try:
        data = StaffCreateIn(
            email=settings.bootstrap_admin_email,
            password=settings.bootstrap_admin_password.get_secret_value(),
            first_name="Kwika",
            last_name="Admin",
            role="admin",
            is_verified=True,
        )
    except PydanticValidationError as exc:
        log.error("bootstrap admin not created: invalid settings: %s", exc)
        return
    try:
        await create(data, activity.Actor.system())
    except (Conflict, ValidationFailed) as exc:
        log.error("bootstrap admin not created: %s %s", exc.message, exc.errors)
        return
    log.warning("Created the bootstrap admin %s; it enrols TOTP at first sign-in", data.email)


async def login(identifier: str, password: str, client: ClientContext) -> StaffChallengeOut:
    key = identifier.strip().lower()
    staff = await StaffAccount.find_one({"$or": [{"email": key}, {"username": key}]})
    if staff is not None:
        key = f"id:{staff.id}"  # one budget per account, by email or by username
    await throttle.password_attempt("staff", key, client.ip)
    hash_ = staff.password_hash if staff else None
    valid = await asyncio.to_thread(runtime.get().passwords.verify, hash_, password)
    if staff is None or not valid:
        raise StaffCredentialsInvalid()
    await throttle.password_accepted("staff", key, client.ip)
    if not staff.is_active:
        raise StaffDeactivated()
    if not staff.is_verified:
        raise StaffNotVerified()
    base = {
        "principal_kind": "staff",
        "principal_id": str(staff.id),
        "remember_me": False,
        "device": asdict(client.device),
        "ip": client.ip,
        "methods": ["authenticator"],
    }
    ttl = challenges.ttl_seconds()
    if staff.two_factor.enabled:
        token = await challenges.create(Challenge(kind="staff_two_factor", **base))  # type: ignore[arg-type]
        return StaffChallengeOut(two_factor_required=True, challenge_token=token, expires_in=ttl)
    secret = totp.new_secret()
    challenge = Challenge(kind="staff_totp_setup", extra={"secret": totp.encrypt(secret)}, **base)  # type: ignore[arg-type]
    token = await challenges.create(challenge)
    uri = totp.otpauth_uri(secret, f"staff:{staff.email}")
    return StaffChallengeOut(
        totp_setup_required=True,
        challenge_token=token,
        expires_in=ttl,
        secret=secret,
        otpauth_uri=uri,
        qr_code_url=totp.qr_data_url(uri),
    )


async def verify(token: str, code: str, request_client: ClientContext) -> StaffAuthOut:
    challenge = await challenges.load(token)
    if challenge.principal_kind != "staff":
        raise ChallengeExpired()
    staff = await _get(challenge.principal_id)
    if not staff.is_active or not staff.is_verified:
        raise StaffCannotSignIn()
    await challenges.settle(token, challenge, lambda: _accept(staff, challenge, code))
    client = challenge.client(request_client.request_id)
    issued = await sessions.open_session(
        "staff", id_of(staff), staff.role, client, remember_me=False
    )
    staff.last_login_at = clock.now()
    await StaffAccount.get_motor_collection().update_one(
        {"_id": staff.id}, {"$set": {"last_login_at": staff.last_login_at}}
    )
    await activity.record(
        actor_of(staff),
        "staff.signed_in",
        target_type="staff",
        target_id=staff.id,
        ip=client.ip,
        details={"enrolled_totp": challenge.kind == "staff_totp_setup"},
    )
    return StaffAuthOut(staff=StaffOut.of(staff), **issued.tokens.model_dump())


async def _accept(staff: StaffAccount, challenge: Challenge, code: str) -> bool:
    if challenge.kind == "staff_two_factor":
        assert staff.two_factor.secret_encrypted is not None
        secret = totp.decrypt(staff.two_factor.secret_encrypted)
        return await totp.accept_totp(StaffAccount, id_of(staff), secret, code)
    if challenge.kind != "staff_totp_setup":
        raise ChallengeExpired()
    encrypted = challenge.extra["secret"]
    step = totp.matched_step(totp.decrypt(encrypted), code)
    if step is None:
        return False
    enrolled = TwoFactor(
        enabled=True,
        method="authenticator",
        secret_encrypted=encrypted,
        enabled_at=clock.now(),
        last_used_step=step,
    )
    result = await StaffAccount.get_motor_collection().update_one(
        {"_id": staff.id, "two_factor.enabled": False},
        {"$set": {"two_factor": enrolled.model_dump()}},
    )
    if result.modified_count != 1:
        raise StaffEnrolmentCompleted()
    staff.two_factor = enrolled
    return True


async def me(principal: Principal) -> StaffOut:
    return StaffOut.of(await _get(principal.id))


async def list_staff(
    paging: PageParams, role: str | None, is_active: bool | None
) -> Page[StaffOut]:
    query: dict[str, Any] = {}
    if role:
        query["role"] = role
    if is_active is not None:
        query["is_active"] = is_active
    total = await StaffAccount.find(query).count()
    rows = (
        await StaffAccount.find(query)
        .sort("-created_at")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    return paging.build([StaffOut.of(row) for row in rows], total)


async def get_one(staff_id: str) -> StaffOut:
    return StaffOut.of(await _get(staff_id))


# The admins who can sign in and manage staff: at least one must always remain.
_ADMIN_WHO_CAN_ACT = {"role": "admin", "is_active": True, "is_verified": True}
# Changes that end a member's sessions (tokens carry the role; the others stop sign-in).
_SESSION_ENDING = {"role", "is_active", "is_verified"}


async def _active_admins() -> int:
    return await StaffAccount.find(_ADMIN_WHO_CAN_ACT).count()


async def update(
    principal: Principal, staff_id: str, data: StaffUpdateIn, client: ClientContext
) -> StaffOut:
    target = await _get(staff_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    reset_two_factor = changes.pop("reset_two_factor", False)
    changes = {k: v for k, v in changes.items() if getattr(target, k) != v}
    if target.id == principal.id and (_SESSION_ENDING & changes.keys()):
        raise SelfChange()
    could_act = target.role == "admin" and target.is_active and target.is_verified
    losing_admin = could_act and (
        changes.get("role", "admin") != "admin"
        or changes.get("is_active") is False
        or changes.get("is_verified") is False
    )
    if losing_admin and await _active_admins() <= 1:
        raise LastAdmin()
    update: dict[str, Any] = {**changes, "updated_at": clock.now()}
    if reset_two_factor:
        update["two_factor"] = TwoFactor().model_dump()
    collection = StaffAccount.get_motor_collection()
    await collection.update_one({"_id": target.id}, {"$set": update})
    if losing_admin and await _active_admins() == 0:
        # Two admins removed each other at the same moment: put this one back.
        undo = {k: getattr(target, k) for k in changes}
        await collection.update_one({"_id": target.id}, {"$set": undo})
        raise LastAdmin()
    if _SESSION_ENDING & changes.keys() or reset_two_factor:
        # Tokens carry the role: end the sessions so the change applies at once.
        await sessions.revoke_all(id_of(target), "staff_updated")
    await activity.record(
        activity.Actor("staff", principal.id),
        "staff.updated",
        target_type="staff",
        target_id=target.id,
        ip=client.ip,
        details={**changes, "reset_two_factor": bool(reset_two_factor)},
    )
    return StaffOut.of(await _get(id_of(target)))
