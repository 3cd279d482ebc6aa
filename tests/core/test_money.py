from decimal import Decimal

import pytest
from pydantic import ValidationError

from kwika.core.money import Money, MoneyError, from_minor, percentage_of, to_minor


def test_amounts_round_trip_exactly_through_minor_units():
    assert to_minor(Decimal("1500.25"), "TZS") == 150025
    assert from_minor(150025, "TZS") == Decimal("1500.25")
    assert to_minor(Decimal("3000"), "UGX") == 3000
    assert from_minor(3000, "UGX") == Decimal("3000")


def test_more_decimals_than_the_currency_has_is_refused_not_rounded():
    with pytest.raises(MoneyError):
        to_minor(Decimal("10.005"), "KES")
    with pytest.raises(MoneyError):
        to_minor(Decimal("10.5"), "UGX")


def test_money_accepts_numbers_and_strings_and_serialises_as_a_decimal_string():
    money = Money(amount=0.1, currency="kes")
    assert money.amount == Decimal("0.1")
    assert money.currency == "KES"
    assert money.model_dump(mode="json") == {"amount": "0.1", "currency": "KES"}
    assert Money.of_minor(1050, "USD").model_dump(mode="json") == {
        "amount": "10.50",
        "currency": "USD",
    }


@pytest.mark.parametrize("amount", ["-1", "abc", "NaN", True, None])
def test_invalid_amounts_are_validation_errors(amount):
    with pytest.raises(ValidationError):
        Money(amount=amount, currency="USD")


def test_unknown_currency_is_a_validation_error():
    with pytest.raises(ValidationError):
        Money(amount=1, currency="XYZ")


def test_percentages_round_half_up_to_whole_minor_units():
    assert percentage_of(12345, Decimal(10)) == 1235
    assert percentage_of(100, Decimal("2.5")) == 3
