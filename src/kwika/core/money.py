"""Money: exact decimals with an ISO 4217 currency; stored as integer minor units.

On the wire an amount is a decimal string (``"1500.00"``) so no client ever rounds it
through a binary float; requests accept a string or a JSON number. Documents store
``<name>_minor: int`` plus ``currency`` (sortable, exact, and the same on both engines).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, PlainSerializer, field_validator

# ISO 4217 minor-unit exponents of the currencies the products trade in.
EXPONENTS: dict[str, int] = {
    "TZS": 2,
    "KES": 2,
    "UGX": 0,
    "RWF": 0,
    "BIF": 0,
    "ETB": 2,
    "EGP": 2,
    "NGN": 2,
    "GHS": 2,
    "ZAR": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "AED": 2,
    "SAR": 2,
    "INR": 2,
    "CNY": 2,
    "JPY": 0,
}
MAX_AMOUNT = Decimal("1000000000000")


class MoneyError(ValueError):
    pass


def exponent(currency: str) -> int:
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise MoneyError(f"Unsupported currency {currency!r}") from None


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise MoneyError("Amount must be a number")
    try:
        # str() first: a float like 0.1 becomes Decimal("0.1"), not its binary expansion.
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise MoneyError("Amount must be a number") from None
    if not result.is_finite():
        raise MoneyError("Amount must be a number")
    return result


def _check_amount(value: object) -> Decimal:
    amount = _to_decimal(value)
    if amount < 0:
        raise MoneyError("Amount cannot be negative")
    if amount > MAX_AMOUNT:
        raise MoneyError("Amount is too large")
    return amount


Amount = Annotated[
    Decimal,
    BeforeValidator(_check_amount),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
"""A non-negative exact amount; serialised as a decimal string."""


def normalize_currency(value: str) -> str:
    code = value.strip().upper()
    exponent(code)
    return code


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact conversion; more decimals than the currency has is an error, not a rounding."""
    places = exponent(currency)
    scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{currency} amounts have at most {places} decimal places")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    places = exponent(currency)
    return (Decimal(minor).scaleb(-places)).quantize(Decimal(1).scaleb(-places))


def percentage_of(minor: int, percent: Decimal) -> int:
    """A percentage of a minor-unit amount, rounded half up to a whole minor unit."""
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Money(BaseModel):
    amount: Amount
    currency: str

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return normalize_currency(value)

    def minor(self) -> int:
        return to_minor(self.amount, self.currency)

    @classmethod
    def of_minor(cls, minor: int, currency: str) -> Money:
        return cls(amount=from_minor(minor, currency), currency=currency)
