"""Request and response schemas of the identity module."""

from __future__ import annotations

from datetime import date, datetime
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

from kwika.core.schemas import CODE_ALIASES, CODE_NAMES, RequestSchema, ResponseSchema
from kwika.core.security import password_problems
from kwika.modules.identity.constants import StaffRole
from kwika.modules.identity.documents import Location, SocialLinks, StaffAccount, User
from kwika.modules.identity.validation import (
    normalize_email,
    normalize_phone,
    validate_name,
    validate_username,
)

Email = Annotated[str, Field(max_length=254), AfterValidator(normalize_email)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(normalize_phone)]
Username = Annotated[str, AfterValidator(validate_username)]
FirstName = Annotated[str, AfterValidator(lambda v: validate_name(v, "First name"))]
LastName = Annotated[str, AfterValidator(lambda v: validate_name(v, "Last name"))]
Password = Annotated[str, Field(min_length=1, max_length=128)]


def _strong_password(value: str) -> str:
    problems = password_problems(value)
    if problems:
        raise PydanticCustomError("password", problems[0])
    return value


NewPassword = Annotated[str, Field(max_length=128), AfterValidator(_strong_password)]
"""A password being chosen: seed 003 rule plus the common-password blocklist."""
Code = Annotated[str, Field(min_length=4, max_length=64)]

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


# --------------------------------------------------------------------------- responses


class SignupOut(ResponseSchema):
    id: str
    username: str
    verification_type: Literal["email", "phone"] | None
    sent_to: str | None


class UsernameCheckOut(ResponseSchema):
    available: bool
    username: str
    suggestions: list[str] | None = None


class OtpSentOut(ResponseSchema):
    user_id: str
    verification_type: Literal["email", "phone"]
    expires_in: int
    sent_to: str


class VerifiedOut(ResponseSchema):
    user_id: str
    verification_type: Literal["email", "phone"]
    verified_at: datetime


class UserOut(ResponseSchema):
    """The signed-in user's own view (seed 003 1.2)."""

    id: str
    first_name: str
    last_name: str
    username: str
    email: str | None
    phone: str | None
    avatar: str | None
    bio: str | None
    location: Location
    account_type: str
    is_vendor: bool
    is_email_verified: bool
    is_phone_verified: bool
    two_factor_enabled: bool
    has_password: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User, /, **computed: Any) -> UserOut:
        return cls(
            id=str(user.id),
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            email=user.email,
            phone=user.phone,
            avatar=user.avatar,
            bio=user.bio,
            location=user.location,
            account_type=user.account_type,
            is_vendor=user.account_type == "provider",
            is_email_verified=user.is_email_verified,
            is_phone_verified=user.is_phone_verified,
            two_factor_enabled=user.two_factor.enabled,
            has_password=user.password_hash is not None,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class MeOut(UserOut):
    """Seed 003 1.5: the user plus counters."""

    follower_count: int
    following_count: int
    post_count: int
    event_count: int
    service_count: int

    @classmethod
    def of(cls, user: User, /, **computed: Any) -> MeOut:
        base = UserOut.of(user).model_dump()
        counters = user.counters
        return cls(
            **base,
            follower_count=counters.followers,
            following_count=counters.following,
            post_count=counters.posts,
            event_count=counters.events,
            service_count=counters.services,
        )


class ProfileOut(MeOut):
    """Seed 003 13.1."""

    date_of_birth: str | None
    gender: str | None
    social_links: SocialLinks
    pending_email: str | None
    pending_phone: str | None
    login_alerts: bool

    @classmethod
    def of(cls, user: User, /, **computed: Any) -> ProfileOut:
        return cls(
            **MeOut.of(user).model_dump(),
            date_of_birth=user.date_of_birth,
            gender=user.gender,
            social_links=user.social_links,
            pending_email=user.pending_email.value if user.pending_email else None,
            pending_phone=user.pending_phone.value if user.pending_phone else None,
            login_alerts=user.login_alerts,
        )


class PublicUserOut(ResponseSchema):
    """Seed 003 13.2: what anyone may see (no email, phone or settings)."""

    id: str
    first_name: str
    last_name: str
    username: str
    avatar: str | None
    bio: str | None
    location: Location
    social_links: SocialLinks
    is_vendor: bool
    follower_count: int
    following_count: int
    post_count: int
    event_count: int
    created_at: datetime

    @classmethod
    def of(cls, user: User, /, **computed: Any) -> PublicUserOut:
        return cls(
            id=str(user.id),
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            avatar=user.avatar,
            bio=user.bio,
            location=user.location,
            social_links=user.social_links,
            is_vendor=user.account_type == "provider",
            follower_count=user.counters.followers,
            following_count=user.counters.following,
            post_count=user.counters.posts,
            event_count=user.counters.events,
            created_at=user.created_at,
        )


class TokensOut(ResponseSchema):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    session_id: str


class AuthOut(TokensOut):
    user: UserOut


class ChallengeOut(ResponseSchema):
    """A second step is needed: no tokens yet."""

    two_factor_required: bool = False
    device_verification_required: bool = False
    challenge_token: str
    methods: list[str]
    expires_in: int
    sent_to: str | None = None


class ChallengeSentOut(ResponseSchema):
    method: str
    sent_to: str
    expires_in: int


class TwoFactorSetupOut(ResponseSchema):
    method: str
    secret: str | None = None
    otpauth_uri: str | None = None
    qr_code_url: str | None = Field(default=None, description="data:image/png;base64,... URL")
    backup_codes: list[str] | None = None
    sent_to: str | None = None
    expires_at: datetime


class TwoFactorStateOut(ResponseSchema):
    two_factor_enabled: bool
    method: str | None = None
    enabled_at: datetime | None = None
    disabled_at: datetime | None = None


class BackupCodesOut(ResponseSchema):
    backup_codes: list[str]


class DeviceOut(ResponseSchema):
    type: str
    name: str
    os: str | None
    browser: str | None


class SessionLocationOut(ResponseSchema):
    ip: str
    city: str | None = None
    country: str | None = None


class SessionOut(ResponseSchema):
    id: str
    device: DeviceOut
    location: SessionLocationOut
    is_current: bool
    last_active_at: datetime
    created_at: datetime


class RevokedOut(ResponseSchema):
    revoked_count: int


class TrustedDeviceOut(ResponseSchema):
    id: str
    name: str
    type: str
    os: str | None
    browser: str | None
    confirmed_at: datetime
    last_seen_at: datetime
    last_ip: str | None
    is_current: bool


class PendingContactOut(ResponseSchema):
    pending_email: str | None = None
    pending_phone: str | None = None
    verification_expires_at: datetime


class DeletionOut(ResponseSchema):
    deletion_scheduled_at: datetime
    final_deletion_at: datetime


class GoogleLoginOut(ResponseSchema):
    authorization_url: str
    state: str
    expires_in: int


class StaffOut(ResponseSchema):
    id: str
    email: str
    username: str | None
    first_name: str
    last_name: str
    full_name: str
    role: str
    is_active: bool
    is_verified: bool
    two_factor_enabled: bool
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, staff: StaffAccount, /, **computed: Any) -> StaffOut:
        return cls(
            id=str(staff.id),
            email=staff.email,
            username=staff.username,
            first_name=staff.first_name,
            last_name=staff.last_name,
            full_name=staff.full_name,
            role=staff.role,
            is_active=staff.is_active,
            is_verified=staff.is_verified,
            two_factor_enabled=staff.two_factor.enabled,
            last_login_at=staff.last_login_at,
            created_at=staff.created_at,
        )


class StaffChallengeOut(ResponseSchema):
    totp_setup_required: bool = False
    two_factor_required: bool = False
    challenge_token: str
    expires_in: int
    secret: str | None = None
    otpauth_uri: str | None = None
    qr_code_url: str | None = None


class StaffAuthOut(TokensOut):
    staff: StaffOut
