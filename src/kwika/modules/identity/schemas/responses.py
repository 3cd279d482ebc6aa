"""Response schemas of the identity module."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    Field,
)

from kwika.core.schemas import ResponseSchema
from kwika.modules.identity.documents import Location, SocialLinks, StaffAccount, User

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
