from __future__ import annotations

from datetime import datetime
from typing import Literal

from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core import clock
from kwika.modules.identity.constants import (
    AccountType,
    StaffRole,
    TwoFactorMethod,
    UserStatus,
)


class TwoFactor(BaseModel):
    enabled: bool = False
    method: TwoFactorMethod | None = None
    secret_encrypted: str | None = None
    enabled_at: datetime | None = None
    # A TOTP time step is accepted once: codes at or before this step are replays.
    last_used_step: int = 0
    backup_code_hashes: list[str] = Field(default_factory=list)
    pending_method: TwoFactorMethod | None = None
    pending_secret_encrypted: str | None = None
    pending_backup_code_hashes: list[str] = Field(default_factory=list)
    pending_expires_at: datetime | None = None


class Suspension(BaseModel):
    reason: str
    since: datetime
    until: datetime | None = None


class PendingContact(BaseModel):
    value: str
    expires_at: datetime


class GoogleLink(BaseModel):
    sub: str
    email: str
    connected_at: datetime


class Deletion(BaseModel):
    requested_at: datetime
    final_at: datetime
    reason: str | None = None
    feedback: str | None = None
    # Identity erased its data and asked every module to erase theirs (``user_anonymised``
    # deliveries, retried in the background until each module succeeded).
    erased_at: datetime | None = None


class Location(BaseModel):
    city: str | None = None
    country: str | None = None
    country_code: str | None = None


class SocialLinks(BaseModel):
    instagram: str | None = None
    twitter: str | None = None
    facebook: str | None = None
    linkedin: str | None = None
    website: str | None = None


class Counters(BaseModel):
    """Maintained by other modules through identity's public API (guarded $inc)."""

    followers: int = 0
    following: int = 0
    posts: int = 0
    events: int = 0
    services: int = 0


class User(Document):
    email: str | None = None  # lower-cased: mongomock ignores collation
    phone: str | None = None  # E.164
    username: str  # lower-cased
    password_hash: str | None = None
    first_name: str
    last_name: str
    account_type: AccountType = "client"
    status: UserStatus = "active"
    suspension: Suspension | None = None
    is_email_verified: bool = False
    is_phone_verified: bool = False
    email_verified_at: datetime | None = None
    phone_verified_at: datetime | None = None
    registered_by: str | None = None
    avatar: str | None = None
    bio: str | None = None
    date_of_birth: str | None = None
    gender: str | None = None
    location: Location = Field(default_factory=Location)
    social_links: SocialLinks = Field(default_factory=SocialLinks)
    two_factor: TwoFactor = Field(default_factory=TwoFactor)
    google: GoogleLink | None = None
    pending_email: PendingContact | None = None
    pending_phone: PendingContact | None = None
    deletion: Deletion | None = None
    counters: Counters = Field(default_factory=Counters)
    login_alerts: bool = True
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    # When the welcome notification went out (once per account, at its first verification).
    welcomed_at: datetime | None = None
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "users"
        keep_nulls = False  # sparse unique indexes skip missing fields, not nulls
        indexes = [
            IndexModel([("email", ASCENDING)], unique=True, sparse=True, name="email_unique"),
            IndexModel([("phone", ASCENDING)], unique=True, sparse=True, name="phone_unique"),
            IndexModel([("username", ASCENDING)], unique=True, name="username_unique"),
            IndexModel([("google.sub", ASCENDING)], unique=True, sparse=True, name="google_unique"),
            IndexModel([("status", ASCENDING), ("deletion.final_at", ASCENDING)]),
            IndexModel([("created_at", DESCENDING)]),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_verified(self) -> bool:
        return self.is_email_verified or self.is_phone_verified


class DeviceSnapshot(BaseModel):
    key: str
    type: str
    name: str
    os: str | None = None
    browser: str | None = None
    user_agent: str = ""


class AuthSession(Document):
    """One signed-in device; refresh tokens rotate within it (it is their family)."""

    principal_kind: Literal["user", "staff"]
    principal_id: PydanticObjectId
    device: DeviceSnapshot
    ip: str
    remember_me: bool = False
    created_at: datetime = Field(default_factory=clock.now)
    last_active_at: datetime = Field(default_factory=clock.now)
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None

    class Settings:
        name = "auth_sessions"
        keep_nulls = False
        indexes = [
            IndexModel(
                [
                    ("principal_id", ASCENDING),
                    ("revoked_at", ASCENDING),
                    ("last_active_at", DESCENDING),
                ]
            ),
            IndexModel([("principal_id", ASCENDING), ("device.key", ASCENDING)]),
            # Ended sessions are kept 30 days for the security history, then dropped.
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=30 * 24 * 3600),
        ]


class RefreshToken(Document):
    token_hash: str
    session_id: PydanticObjectId
    principal_kind: Literal["user", "staff"]
    principal_id: PydanticObjectId
    created_at: datetime = Field(default_factory=clock.now)
    expires_at: datetime
    used_at: datetime | None = None

    class Settings:
        name = "refresh_tokens"
        keep_nulls = False
        indexes = [
            IndexModel([("token_hash", ASCENDING)], unique=True),
            IndexModel([("session_id", ASCENDING)]),
            # Used tokens stay until expiry so a replay is recognised as reuse.
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),
        ]


class VerificationCode(Document):
    """A one-time code or link token, stored as a keyed digest."""

    user_id: PydanticObjectId
    purpose: str
    channel: str
    destination: str
    code_hash: str
    created_at: datetime = Field(default_factory=clock.now)
    expires_at: datetime
    attempts: int = 0
    consumed_at: datetime | None = None

    class Settings:
        name = "verification_codes"
        keep_nulls = False
        indexes = [
            IndexModel(
                [("user_id", ASCENDING), ("purpose", ASCENDING), ("created_at", DESCENDING)]
            ),
            IndexModel([("purpose", ASCENDING), ("code_hash", ASCENDING)]),
            # Kept a day past expiry so "expired" can be told apart from "invalid".
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=24 * 3600),
        ]


class TrustedDevice(Document):
    user_id: PydanticObjectId
    device_key: str
    name: str
    type: str
    os: str | None = None
    browser: str | None = None
    confirmed_at: datetime = Field(default_factory=clock.now)
    last_seen_at: datetime = Field(default_factory=clock.now)
    last_ip: str | None = None

    class Settings:
        name = "trusted_devices"
        keep_nulls = False
        indexes = [
            IndexModel([("user_id", ASCENDING), ("device_key", ASCENDING)], unique=True),
        ]


class StaffAccount(Document):
    email: str
    username: str | None = None
    password_hash: str
    first_name: str
    last_name: str
    role: StaffRole
    is_active: bool = True
    is_verified: bool = False
    two_factor: TwoFactor = Field(default_factory=TwoFactor)
    created_by: PydanticObjectId | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    class Settings:
        name = "staff_accounts"
        keep_nulls = False
        indexes = [
            IndexModel([("email", ASCENDING)], unique=True),
            IndexModel([("username", ASCENDING)], unique=True, sparse=True),
            IndexModel([("role", ASCENDING), ("is_active", ASCENDING)]),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
