"""Currencies and amounts of listings: stored as integer minor units (core.money)."""

from __future__ import annotations

from decimal import Decimal

from kwika.core import runtime
from kwika.core.errors import ValidationFailed
from kwika.core.money import MoneyError, from_minor, normalize_currency, to_minor
from kwika.modules import reference


async def currency_code(value: str | None, field: str = "currency") -> str:
    """An active currency, the default one (``KWIKA_DEFAULT_CURRENCY``) when empty."""
    try:
        code = normalize_currency(value) if value else runtime.get().settings.default_currency
    except MoneyError:
        raise ValidationFailed.single(field, "Unsupported currency") from None
    if code not in await reference.currency_codes():
        raise ValidationFailed.single(field, "Unsupported currency")
    return code


def minor(amount: Decimal | None, currency: str, field: str) -> int | None:
    if amount is None:
        return None
    try:
        return to_minor(amount, currency)
    except MoneyError as exc:
        raise ValidationFailed.single(field, str(exc)) from None


def text(minor_units: int | None, currency: str) -> str | None:
    """A minor-unit amount as the decimal string clients get."""
    if minor_units is None:
        return None
    return format(from_minor(minor_units, currency), "f")
