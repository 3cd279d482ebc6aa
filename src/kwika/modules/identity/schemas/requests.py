"""Request schemas of the identity module."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kwika.core.schemas import CODE_ALIASES, CODE_NAMES, RequestSchema
from kwika.modules.identity.constants import StaffRole
from kwika.modules.identity.schemas.types import (
    Code,
    Email,
    FirstName,
    LastName,
    NewPassword,
    Password,
    Phone,
    Username,
)

# ---------------------------------------------------------------------------- requests


class SignupIn(RequestSchema):
    first_name: FirstName
    last_name: LastName
    username: Username | None = None
    email: Email | None = None
    phone: Phone | None = None
    password: NewPassword | None = None
    account_type: Literal["client", "provider"] | None = Field(
        default=None, description="`provider` for vendors, craftsmen and guides"
    )
    role: str | None = Field(
        default=None,
        description="Seed 001 alias of account_type: `client`, `craftsman`, `vendor`, `guide`",
    )
    registered_by: str | None = Field(
        default=None,
        max_length=100,
        description="Name of the person registering this user inline; the new user gets a "
        "one-time link to set their own password (no password is needed here).",
    )


class RequestOtpIn(RequestSchema):
    user_id: str
    verification_type: Literal["email", "phone"]


class VerifyOtpIn(RequestSchema):
    user_id: str
    verification_type: Literal["email", "phone"]
    otp_code: str = Field(
        min_length=6,
        max_length=6,
        validation_alias=CODE_ALIASES,
        description=f"The 6-digit code ({CODE_NAMES}, or `code`)",
    )


class VerifyEmailLinkIn(RequestSchema):
    token: str = Field(min_length=10, max_length=2048)


class SigninIn(RequestSchema):
    credential: str | None = Field(
        default=None,
        max_length=254,
        validation_alias=AliasChoices(
            "credential", "login_identifier", "loginIdentifier", "email", "phone", "username"
        ),
        description="Email, phone number or username (also accepted as `email`, `phone`, "
        "`username` or `loginIdentifier`)",
    )
    password: Password
    remember_me: bool = False
    device_id: str | None = Field(default=None, max_length=128)
    type: Literal["clients", "admins"] | None = Field(
        default=None, description="Seed 001: `admins` must use `/admin/auth/login`"
    )


class ChallengeCodeIn(RequestSchema):
    challenge_token: str = Field(min_length=10, max_length=256)
    code: Code = Field(validation_alias=CODE_ALIASES, description=CODE_NAMES)


class ChallengeSendIn(RequestSchema):
    challenge_token: str = Field(min_length=10, max_length=256)
    method: Literal["sms", "email"] | None = None


class RefreshIn(RequestSchema):
    refresh_token: str = Field(min_length=10, max_length=512)


class ForgotPasswordIn(RequestSchema):
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)


class ResetPasswordIn(RequestSchema):
    token: str | None = Field(
        default=None, max_length=2048, description="Token from the emailed link"
    )
    code: str | None = Field(
        default=None,
        max_length=12,
        validation_alias=CODE_ALIASES,
        description=f"6-digit code sent by SMS (with `phone`); {CODE_NAMES}",
    )
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    password: NewPassword = Field(
        validation_alias=AliasChoices("password", "new_password", "newPassword")
    )
    password_confirmation: str = Field(
        max_length=128,
        validation_alias=AliasChoices(
            "password_confirmation", "passwordConfirmation", "confirm_password", "confirmPassword"
        ),
    )


class ChangePasswordIn(RequestSchema):
    current_password: Password
    new_password: NewPassword
    confirm_password: str = Field(max_length=128)


class SetPasswordIn(RequestSchema):
    new_password: NewPassword
    confirm_password: str = Field(max_length=128)


class PasswordIn(RequestSchema):
    password: Password


class TwoFactorEnableIn(RequestSchema):
    method: Literal["authenticator", "sms", "email"] = "authenticator"
    password: Password


class CodeIn(RequestSchema):
    code: Code = Field(validation_alias=CODE_ALIASES, description=CODE_NAMES)


class TwoFactorDisableIn(RequestSchema):
    password: Password
    code: Code = Field(validation_alias=CODE_ALIASES, description=CODE_NAMES)


class UpdateEmailIn(RequestSchema):
    new_email: Email
    password: Password


class UpdatePhoneIn(RequestSchema):
    new_phone: Phone
    password: Password


class DeleteAccountIn(RequestSchema):
    password: str | None = Field(
        default=None, max_length=128, description="Required unless the account has no password"
    )
    reason: str | None = Field(default=None, max_length=500)
    feedback: str | None = Field(default=None, max_length=2000)


def _strip_at(value: str | None) -> str | None:
    return value.lstrip("@") if value else value


Handle = Annotated[str | None, Field(default=None, max_length=100), AfterValidator(_strip_at)]


class ProfileUpdateIn(RequestSchema):
    """Partial update: absent fields stay as they are; an empty value clears an optional one."""

    first_name: FirstName | None = None
    last_name: LastName | None = None
    username: Username | None = None
    bio: str | None = Field(default=None, max_length=500)
    date_of_birth: date | None = None
    gender: Literal["male", "female", "other", "prefer_not_to_say"] | None = None
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=100)
    country_code: str | None = Field(default=None, min_length=2, max_length=2)
    instagram: Handle = None
    twitter: Handle = None
    facebook: Handle = None
    linkedin: Handle = None
    website: HttpUrl | None = None
    login_alerts: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_means_clear(cls, values: Any) -> Any:
        # Form submissions send "" for a cleared input.
        if isinstance(values, dict):
            return {k: (None if v == "" else v) for k, v in values.items()}
        return values

    @field_validator("first_name", "last_name", "username", "login_alerts", mode="before")
    @classmethod
    def _not_clearable(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("required", "This field cannot be empty")
        return value

    @field_validator("date_of_birth")
    @classmethod
    def _in_the_past(cls, value: date | None) -> date | None:
        if value and value >= date.today():
            raise ValueError("Date of birth must be in the past")
        return value

    @field_validator("country_code")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        if value and not value.isalpha():
            raise ValueError("Country code must be an ISO 3166-1 alpha-2 code")
        return value.upper() if value else value


class StaffLoginIn(RequestSchema):
    email: str = Field(
        max_length=254,
        validation_alias=AliasChoices("email", "username", "login_identifier", "loginIdentifier"),
        description="Staff email (or username)",
    )
    password: Password


class StaffCreateIn(RequestSchema):
    email: Email
    password: NewPassword
    first_name: FirstName
    last_name: LastName
    role: StaffRole
    username: Username | None = None
    is_verified: bool = Field(
        default=False, description="Unverified staff cannot sign in until an admin verifies them"
    )


class StaffUpdateIn(RequestSchema):
    role: StaffRole | None = None
    is_active: bool | None = None
    is_verified: bool | None = None
    reset_two_factor: bool | None = Field(
        default=None, description="Forget the staff member's authenticator; they enrol again"
    )
