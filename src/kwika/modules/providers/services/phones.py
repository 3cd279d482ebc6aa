"""Business phone numbers (seed 003 changelog 2026-02-21): added, proved with an SMS code,
then reusable on every service and company of the provider without proving them again."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, ratelimit, runtime
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import id_of, parse_id, try_parse_id
from kwika.core.security import numeric_code
from kwika.core.tokens import Principal
from kwika.modules import notifications
from kwika.modules.providers import signals
from kwika.modules.providers.constants import (
    BUSINESS_PHONE_CODE_ATTEMPTS,
    BUSINESS_PHONE_CODES_PER_HOUR,
    MAX_BUSINESS_PHONES,
)
from kwika.modules.providers.documents import BusinessPhone, Company, PhoneRef
from kwika.modules.providers.exceptions import (
    BusinessPhoneAlreadyAdded,
    BusinessPhoneAlreadyVerified,
    BusinessPhoneInUse,
    BusinessPhoneLimitReached,
    BusinessPhoneNotFound,
    BusinessPhoneRaced,
    PhoneAlreadyVerified,
    PhoneCodeAttemptsExceeded,
    PhoneCodeExpired,
    PhoneCodeInvalid,
)
from kwika.modules.providers.schemas import BusinessPhoneOut, PhoneCodeSentOut
from kwika.modules.providers.services.profiles import require_profile
from kwika.modules.providers.services.views import business_phone_out

CODE_PURPOSE = "code:business_phone"


def _digest(phone_id: ObjectId, code: str) -> str:
    return runtime.get().keyring.digest(CODE_PURPOSE, f"{phone_id}:{code}")


def _digests(phone_id: ObjectId, code: str) -> list[str]:
    return runtime.get().keyring.digests(CODE_PURPOSE, f"{phone_id}:{code}")


async def _owned(principal: Principal, phone_id: str) -> BusinessPhone:
    phone = await BusinessPhone.find_one(
        {"_id": parse_id(phone_id, "Business phone"), "owner_id": principal.id}
    )
    if phone is None:
        raise BusinessPhoneNotFound()
    return phone


async def list_phones(principal: Principal) -> list[BusinessPhoneOut]:
    phones = (
        await BusinessPhone.find({"owner_id": principal.id}).sort("-created_at", "-_id").to_list()
    )
    return [business_phone_out(phone) for phone in phones]


async def _send_code(principal: Principal, phone: BusinessPhone) -> PhoneCodeSentOut:
    """Issue a new code (the previous one stops working) and text it to the number."""
    assert phone.id is not None
    settings = runtime.get().settings
    wait = settings.otp_resend_seconds
    await ratelimit.cooldown(
        "business-phone:resend", str(phone.id), wait, f"Please wait {wait} seconds before retrying."
    )
    await ratelimit.limit(
        "business-phone:codes",
        str(principal.id),
        BUSINESS_PHONE_CODES_PER_HOUR,
        3600,
        "Too many codes requested. Please try again later.",
    )
    code = numeric_code(6)
    expires_at = clock.now() + timedelta(seconds=settings.otp_ttl_seconds)
    await BusinessPhone.get_motor_collection().update_one(
        {"_id": phone.id, "status": "pending"},
        {
            "$set": {
                "code_hash": _digest(phone.id, code),
                "code_expires_at": expires_at,
                "code_attempts": 0,
                "updated_at": clock.now(),
            }
        },
    )
    await notifications.send_direct(
        "sms",
        phone.phone_number,
        "business_phone_code",
        {"code": code, "minutes": settings.otp_ttl_seconds // 60},
        user_id=principal.id,
        sensitive=True,
        data={"purpose": "business_phone", "phone_id": str(phone.id)},
    )
    return PhoneCodeSentOut(
        **business_phone_out(phone).model_dump(),
        code_expires_at=expires_at,
        resend_after_seconds=wait,
    )


async def add_phone(principal: Principal, phone_number: str) -> PhoneCodeSentOut:
    await require_profile(principal.id)
    existing = await BusinessPhone.find_one(
        {"owner_id": principal.id, "phone_number": phone_number}
    )
    if existing is not None:
        if existing.status == "verified":
            raise BusinessPhoneAlreadyVerified(str(existing.id))
        raise BusinessPhoneAlreadyAdded(str(existing.id))
    if await BusinessPhone.find({"owner_id": principal.id}).count() >= MAX_BUSINESS_PHONES:
        raise BusinessPhoneLimitReached(MAX_BUSINESS_PHONES)
    phone = BusinessPhone(owner_id=principal.id, phone_number=phone_number)
    try:
        await phone.insert()
    except DuplicateKeyError:
        raise BusinessPhoneRaced() from None
    return await _send_code(principal, phone)


async def resend_code(principal: Principal, phone_id: str) -> PhoneCodeSentOut:
    phone = await _owned(principal, phone_id)
    if phone.status == "verified":
        raise PhoneAlreadyVerified()
    return await _send_code(principal, phone)


async def verify_phone(principal: Principal, phone_id: str, otp: str) -> BusinessPhoneOut:
    phone = await _owned(principal, phone_id)
    assert phone.id is not None
    if phone.status == "verified":
        return business_phone_out(phone)  # verifying twice is harmless
    if phone.code_hash is None or phone.code_expires_at is None:
        raise PhoneCodeInvalid()
    if phone.code_expires_at <= clock.now():
        raise PhoneCodeExpired()
    collection = BusinessPhone.get_motor_collection()
    # The attempt is taken in the same update that allows it: concurrent guesses never
    # check more than BUSINESS_PHONE_CODE_ATTEMPTS codes.
    allowed = await collection.find_one_and_update(
        {
            "_id": phone.id,
            "code_hash": phone.code_hash,
            "$or": [
                {"code_attempts": {"$exists": False}},
                {"code_attempts": {"$lt": BUSINESS_PHONE_CODE_ATTEMPTS}},
            ],
        },
        {"$inc": {"code_attempts": 1}},
    )
    if allowed is None:
        raise PhoneCodeAttemptsExceeded()
    if phone.code_hash not in _digests(phone.id, otp.strip()):
        raise PhoneCodeInvalid()
    now = clock.now()
    # Guarded on the code it checked: a code is used once, even by two requests at a time.
    result = await collection.update_one(
        {"_id": phone.id, "status": "pending", "code_hash": phone.code_hash},
        {
            "$set": {"status": "verified", "verified_at": now, "updated_at": now},
            "$unset": {"code_hash": "", "code_expires_at": "", "code_attempts": ""},
        },
    )
    if result.modified_count != 1:
        raise PhoneCodeInvalid()
    await ratelimit.release_cooldown("business-phone:resend", str(phone.id))
    verified = await BusinessPhone.get(phone.id)
    assert verified is not None
    return business_phone_out(verified)


async def delete_phone(principal: Principal, phone_id: str) -> None:
    phone = await _owned(principal, phone_id)
    companies = await Company.find({"business_phone.id": phone.id}).count()
    if companies:
        raise BusinessPhoneInUse(companies)
    await signals.business_phone_deletion.enforce(phone_id=id_of(phone), owner_id=principal.id)
    await BusinessPhone.get_motor_collection().delete_one({"_id": phone.id})


async def verified_phone(owner_id: ObjectId, phone_id: str | ObjectId, field: str) -> PhoneRef:
    """A verified business phone of ``owner_id`` to show on a service or company: 404 when it
    is not theirs, 400 on ``field`` while it is not verified."""
    oid = phone_id if isinstance(phone_id, ObjectId) else try_parse_id(phone_id)
    phone = await BusinessPhone.find_one({"_id": oid, "owner_id": owner_id}) if oid else None
    if phone is None or phone.id is None:
        raise BusinessPhoneNotFound()
    if phone.status != "verified":
        raise ValidationFailed(
            "Verify this phone number first",
            errors=[FieldError(field, "Verify this phone number first")],
        )
    return PhoneRef(id=phone.id, phone_number=phone.phone_number)
