"""One-time codes and link tokens: issued, stored as keyed digests, checked once."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.security import numeric_code, random_token
from kwika.modules.identity.constants import CODE_MAX_ATTEMPTS
from kwika.modules.identity.documents import VerificationCode
from kwika.modules.identity.exceptions import (
    LinkExpired,
    LinkInvalid,
    OtpAttemptsExceeded,
    OtpCodeExpired,
    OtpCodeInvalid,
)


def _digest(purpose: str, user_id: ObjectId, code: str) -> str:
    return runtime.get().keyring.digest(f"code:{purpose}", f"{user_id}:{code}")


def _digests(purpose: str, user_id: ObjectId, code: str) -> list[str]:
    return runtime.get().keyring.digests(f"code:{purpose}", f"{user_id}:{code}")


def _link_digest(purpose: str, token: str) -> str:
    return runtime.get().keyring.digest(f"link:{purpose}", token)


async def _supersede(user_id: ObjectId, purpose: str) -> None:
    """Only the newest code of a purpose works."""
    await VerificationCode.get_motor_collection().update_many(
        {"user_id": user_id, "purpose": purpose, "consumed_at": None},
        {"$set": {"consumed_at": clock.now()}},
    )


async def _issue(
    user_id: ObjectId,
    purpose: str,
    channel: str,
    destination: str,
    ttl_seconds: int,
    secret: str,
    digest: str,
) -> str:
    """Store the digest of a new secret, superseding older ones; return the secret."""
    await _supersede(user_id, purpose)
    await VerificationCode(
        user_id=user_id,
        purpose=purpose,
        channel=channel,
        destination=destination,
        code_hash=digest,
        expires_at=clock.now() + timedelta(seconds=ttl_seconds),
    ).insert()
    return secret


async def issue_code(
    user_id: ObjectId, purpose: str, channel: str, destination: str, ttl_seconds: int
) -> str:
    """A 6-digit code (SMS, email); it is checked against the user it was sent to."""
    code = numeric_code(6)
    return await _issue(
        user_id, purpose, channel, destination, ttl_seconds, code, _digest(purpose, user_id, code)
    )


async def issue_link_token(
    user_id: ObjectId, purpose: str, channel: str, destination: str, ttl_seconds: int
) -> str:
    """A 256-bit token for a link; it identifies its user by itself."""
    token = random_token(32)
    return await _issue(
        user_id, purpose, channel, destination, ttl_seconds, token, _link_digest(purpose, token)
    )


async def consume_code(user_id: ObjectId, purpose: str, code: str) -> VerificationCode:
    """Check the newest code of ``purpose``; wrong codes count towards a lockout."""
    latest = (
        await VerificationCode.find({"user_id": user_id, "purpose": purpose})
        .sort("-created_at")
        .first_or_none()
    )
    if latest is None or latest.consumed_at is not None:
        raise OtpCodeInvalid()
    if latest.expires_at <= clock.now():
        raise OtpCodeExpired()
    # The attempt is taken in the same update that allows it, so concurrent guesses can
    # never check more than CODE_MAX_ATTEMPTS codes (a read, then an $inc, could).
    allowed = await VerificationCode.get_motor_collection().find_one_and_update(
        {"_id": latest.id, "consumed_at": None, "attempts": {"$lt": CODE_MAX_ATTEMPTS}},
        {"$inc": {"attempts": 1}},
    )
    if allowed is None:
        raise OtpAttemptsExceeded()
    if latest.code_hash not in _digests(purpose, user_id, code.strip()):
        raise OtpCodeInvalid()
    return await _claim(latest)


async def consume_link_token(purposes: tuple[str, ...], token: str) -> VerificationCode:
    """Consume a link token issued for any of ``purposes``."""
    record = None
    for purpose in purposes:
        record = await VerificationCode.find_one(
            {"purpose": purpose, "code_hash": _link_digest(purpose, token.strip())}
        )
        if record is not None:
            break
    if record is None or record.consumed_at is not None:
        raise LinkInvalid()
    if record.expires_at <= clock.now():
        raise LinkExpired()
    return await _claim(record)


async def _claim(record: VerificationCode) -> VerificationCode:
    result = await VerificationCode.get_motor_collection().update_one(
        {"_id": record.id, "consumed_at": None}, {"$set": {"consumed_at": clock.now()}}
    )
    if result.modified_count != 1:
        raise OtpCodeInvalid()
    return record
