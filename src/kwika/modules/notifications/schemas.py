"""Request and response schemas of the notifications module."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import RequestSchema, ResponseSchema
from kwika.modules.notifications.constants import CATEGORIES, CATEGORY_TYPES

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# ---------------------------------------------------------------------------- notifications


class ActorOut(ResponseSchema):
    """Who caused the notification; the application itself for system notifications."""

    id: str | None
    first_name: str
    last_name: str
    username: str | None
    avatar: str | None
    is_system: bool = False


class NotificationOut(ResponseSchema):
    id: str
    user_id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    reference_id: str | None
    reference_type: str | None
    actor: ActorOut | None
    action_url: str | None
    action_text: str | None
    image_url: str | None
    is_read: bool
    read_at: datetime | None
    created_at: datetime


class NotificationSummary(BaseModel):
    total: int = Field(description="All notifications of the user (whatever the filters)")
    unread: int


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    pagination: PaginationMeta
    summary: NotificationSummary


class ReadOut(BaseModel):
    id: str
    is_read: bool
    read_at: datetime | None


class MarkedOut(BaseModel):
    marked_count: int


class UnreadCountOut(BaseModel):
    """The shape of every unread count (notifications and messages): `unread_count`, with
    `unread` kept for clients written against the first notifications API."""

    unread_count: int = Field(description="Unread notifications")
    unread: int = Field(description="Deprecated: the same number as `unread_count`")

    @model_validator(mode="before")
    @classmethod
    def _one_number(cls, value: Any) -> Any:
        if isinstance(value, dict):
            count = value.get("unread_count", value.get("unread"))
            return {**value, "unread_count": count, "unread": count}
        return value


class MarkReadIn(RequestSchema):
    ids: list[str] | None = Field(
        default=None,
        max_length=100,
        validation_alias=AliasChoices("ids", "notification_ids", "notificationIds"),
        description="Notifications to mark read; omit to mark every notification read",
    )


# ---------------------------------------------------------------------------- preferences

_CATEGORY_HELP = {
    category: "Notifications of type " + ", ".join(f"`{t}`" for t in types)
    for category, types in CATEGORY_TYPES.items()
}
# Names seed 003 19.1 uses for the same switches.
_CATEGORY_ALIASES = {
    "rsvp": ("rsvp_updates",),
    "payments": ("payment_confirmations",),
    "booking_requests": ("bookings", "booking_updates"),
    "security_alerts": ("security",),
}


def _category_input_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for category in CATEGORIES:
        names = dict.fromkeys([category, to_camel(category), *_CATEGORY_ALIASES.get(category, ())])
        alias = AliasChoices(*names) if len(names) > 1 else None
        fields[category] = (
            bool | None,
            Field(default=None, validation_alias=alias, description=_CATEGORY_HELP[category]),
        )
    return fields


class _ChannelBase(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    enabled: bool | None = Field(default=None, description="Master switch of the channel")


ChannelPreferencesIn: type[BaseModel] = create_model(
    "ChannelPreferencesIn", __base__=_ChannelBase, **_category_input_fields()
)


class EmailPreferencesIn(ChannelPreferencesIn):
    digest: Literal["off", "daily", "weekly"] | None = Field(
        default=None, description="Summary email frequency (stored; digests are not sent yet)"
    )

    @model_validator(mode="before")
    @classmethod
    def _weekly_digest(cls, value: Any) -> Any:
        """Seed 003 19.1 sends `weekly_digest: true|false`."""
        if isinstance(value, dict) and "weekly_digest" in value:
            value = dict(value)
            weekly = value.pop("weekly_digest")
            value.setdefault("digest", "weekly" if weekly else "off")
        return value


class QuietHoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    enabled: bool | None = None
    start: str | None = Field(
        default=None,
        validation_alias=AliasChoices("start", "start_time", "startTime"),
        description="Local time HH:MM when quiet hours begin",
    )
    end: str | None = Field(
        default=None,
        validation_alias=AliasChoices("end", "end_time", "endTime"),
        description="Local time HH:MM when they end (may be the next day)",
    )
    timezone: str | None = Field(default=None, description="IANA zone, e.g. Africa/Nairobi")

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM.match(value.strip()):
            raise ValueError("Use 24-hour HH:MM, e.g. 22:00")
        return value.strip() if value else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("Unknown time zone; use an IANA name such as Africa/Nairobi") from None
        return value.strip()


class PreferencesIn(BaseModel):
    """A partial preferences document: only the keys sent change (deep merge)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    email: EmailPreferencesIn | None = None
    push: ChannelPreferencesIn | None = None
    sms: ChannelPreferencesIn | None = None
    whatsapp: ChannelPreferencesIn | None = None
    quiet_hours: QuietHoursIn | None = Field(
        default=None, validation_alias=AliasChoices("quiet_hours", "quietHours")
    )


def _category_output_fields() -> dict[str, Any]:
    return {c: (bool, Field(description=_CATEGORY_HELP[c])) for c in CATEGORIES}


ChannelPreferencesOut: type[BaseModel] = create_model(
    "ChannelPreferencesOut",
    __base__=ResponseSchema,
    enabled=(bool, ...),
    **_category_output_fields(),
)


class EmailPreferencesOut(ChannelPreferencesOut):
    digest: Literal["off", "daily", "weekly"] = "off"


class QuietHoursOut(ResponseSchema):
    enabled: bool
    start: str
    end: str
    timezone: str


class PreferencesOut(ResponseSchema):
    email: EmailPreferencesOut
    push: ChannelPreferencesOut
    sms: ChannelPreferencesOut
    whatsapp: ChannelPreferencesOut
    quiet_hours: QuietHoursOut


class SettingsNotificationsOut(BaseModel):
    """Seed 003 19.2's answer shape."""

    notifications: PreferencesOut
    updated_at: datetime | None


class UnsubscribedOut(BaseModel):
    channel: Literal["email"] = "email"
    category: str


# ---------------------------------------------------------------------------- push tokens


class PushTokenIn(RequestSchema):
    token: str = Field(min_length=20, max_length=4096, description="FCM registration token")
    platform: Literal["android", "ios", "web"]
    device_id: str | None = Field(default=None, max_length=128)
    app_version: str | None = Field(default=None, max_length=32)

    @field_validator("token")
    @classmethod
    def _no_spaces(cls, value: str) -> str:
        if any(ch.isspace() for ch in value):
            raise ValueError("A push token has no spaces")
        return value


class PushTokenOut(ResponseSchema):
    id: str
    token: str
    platform: str
    device_id: str | None
    app_version: str | None
    created_at: datetime
    last_seen_at: datetime
