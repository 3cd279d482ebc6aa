"""Normalising and validating contact details and names (seed 003 1.1 rules)."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic_core import PydanticCustomError

from kwika.core import runtime
from kwika.modules.identity.constants import RESERVED_USERNAMES

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{3,30}$")
# Letters (any script) with single inner spaces, hyphens or apostrophes: "Mary-Jane", "Ng'ang'a".
NAME_RE = re.compile("^[^\\W\\d_]+(?:[ '\\-\u2019][^\\W\\d_]+)*$")


def _error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def normalize_email(value: str) -> str:
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise _error("email", "Email format is invalid") from None
    # Stored lower-cased: uniqueness must not depend on letter case.
    return result.normalized.lower()


def default_region() -> str:
    try:
        return runtime.get().settings.default_phone_region
    except RuntimeError:
        return "TZ"


def normalize_phone(value: str) -> str:
    try:
        parsed = phonenumbers.parse(value, default_region())
    except phonenumbers.NumberParseException:
        raise _error("phone", "Phone number is invalid; include the country code") from None
    if not phonenumbers.is_valid_number(parsed):
        raise _error("phone", "Phone number is invalid; include the country code")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_name(value: str, label: str) -> str:
    if not 2 <= len(value) <= 50:
        raise _error("name", f"{label} must be 2 to 50 characters")
    if not NAME_RE.match(value):
        raise _error("name", f"{label} can only contain letters")
    return value


def username_problem(value: str) -> str | None:
    if not 3 <= len(value) <= 30:
        return "Username must be 3 to 30 characters"
    if not USERNAME_RE.match(value):
        return "Username can only contain letters, numbers, and underscores"
    if value.lower() in RESERVED_USERNAMES:
        return "This username is reserved"
    return None


def validate_username(value: str) -> str:
    problem = username_problem(value)
    if problem:
        raise _error("username", problem)
    return value.lower()


def looks_like_email(value: str) -> bool:
    return "@" in value


def looks_like_phone(value: str) -> bool:
    return bool(re.fullmatch(r"\+?[\d\s\-()]{7,20}", value))


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    return f"{phone[:-6]}***{phone[-3:]}" if len(phone) > 8 else "***"
