"""Attempt budgets for credentials and second factors (Redis, atomic across processes)."""

from __future__ import annotations

from kwika.core import ratelimit
from kwika.core.ratelimit import Budget
from kwika.modules.identity.constants import (
    SECOND_FACTOR_LIMIT,
    SIGNIN_ACCOUNT_LIMIT,
    SIGNIN_IP_LIMIT,
    SIGNIN_WINDOW_SECONDS,
)

TOO_MANY = "Too many failed sign-in attempts. Please try again later."
TOO_MANY_CODES = "Too many wrong codes. Please try again later."


def _budgets(audience: str) -> tuple[Budget, Budget]:
    return (
        Budget(f"{audience}-signin:account", SIGNIN_ACCOUNT_LIMIT, SIGNIN_WINDOW_SECONDS),
        Budget(f"{audience}-signin:ip", SIGNIN_IP_LIMIT, SIGNIN_WINDOW_SECONDS),
    )


async def password_attempt(audience: str, account_key: str, ip: str) -> None:
    """Spend one attempt for the account and the address; 429 once either is used up
    (5 per account and 20 per address in 15 minutes)."""
    account, address = _budgets(audience)
    await ratelimit.spend([(account, account_key), (address, ip)], TOO_MANY)


async def password_accepted(audience: str, account_key: str, ip: str) -> None:
    """A right password clears the account's failures and costs the address nothing."""
    account, address = _budgets(audience)
    await ratelimit.reset(account.scope, account_key)
    await ratelimit.refund(address, ip)


_SECOND_FACTOR = Budget("second-factor", SECOND_FACTOR_LIMIT, SIGNIN_WINDOW_SECONDS)


async def code_attempt(principal_id: str) -> None:
    """Codes are limited per account, not only per challenge: a new sign-in (a new
    challenge) does not buy an attacker who knows the password more guesses."""
    await ratelimit.spend([(_SECOND_FACTOR, principal_id)], TOO_MANY_CODES)


async def code_accepted(principal_id: str) -> None:
    await ratelimit.reset(_SECOND_FACTOR.scope, principal_id)


TOO_MANY_PASSWORDS = "Too many wrong passwords. Please try again later."


async def password_check(user_id: str) -> None:
    """A password typed behind a token (change-password, account deletion, 2FA settings)
    spends from the same per-account budget as sign-in: a stolen access token must not
    allow unlimited guessing. 429 once it is used up."""
    account, _ = _budgets("user")
    await ratelimit.spend([(account, f"id:{user_id}")], TOO_MANY_PASSWORDS)


async def password_check_passed(user_id: str) -> None:
    account, _ = _budgets("user")
    await ratelimit.reset(account.scope, f"id:{user_id}")
