from __future__ import annotations

from typing import Literal

AccountType = Literal["client", "provider"]
UserStatus = Literal["active", "suspended", "banned", "pending_deletion", "deleted"]
TwoFactorMethod = Literal["authenticator", "sms", "email"]
StaffRole = Literal["admin", "moderator", "author", "viewer"]
ContactChannel = Literal["email", "phone"]
# Where a code or an account alert is sent.
CodeChannel = Literal["email", "sms"]

SIGNIN_ACCOUNT_LIMIT = 5
SIGNIN_IP_LIMIT = 20
SIGNIN_WINDOW_SECONDS = 15 * 60
SIGNUP_IP_LIMIT = 10
SIGNUP_WINDOW_SECONDS = 3600
OTP_HOURLY_LIMIT = 10
RESET_IP_LIMIT = 10
RESET_WINDOW_SECONDS = 3600
CODE_MAX_ATTEMPTS = 5
CHALLENGE_MAX_ATTEMPTS = 5
SECOND_FACTOR_LIMIT = 10
TOTP_SETUP_TTL_SECONDS = 15 * 60
BACKUP_CODE_COUNT = 10
OAUTH_STATE_TTL_SECONDS = 10 * 60

RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "support",
        "help",
        "kwika",
        "api",
        "staff",
        "system",
        "moderator",
        "security",
        "null",
        "undefined",
        "me",
        "settings",
        "profile",
    }
)


class Purpose:
    """What a one-time code or signed link proves."""

    VERIFY_EMAIL = "verify_email"
    VERIFY_PHONE = "verify_phone"
    RESET_PASSWORD = "reset_password"
    RESET_PASSWORD_CODE = "reset_password_code"
    SET_PASSWORD = "set_password"
    CHANGE_EMAIL = "change_email"
    CHANGE_PHONE = "change_phone"
    TWO_FACTOR_SETUP = "two_factor_setup"
    TWO_FACTOR_DISABLE = "two_factor_disable"
