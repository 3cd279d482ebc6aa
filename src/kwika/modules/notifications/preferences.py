"""Notification preferences: defaults, deep-merged overrides, channel decisions, quiet hours."""

from __future__ import annotations

import copy
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.modules.notifications import constants
from kwika.modules.notifications.constants import (
    CHANNEL_DEFAULT_ENABLED,
    CHANNELS,
    SECURITY_CATEGORY,
    Channel,
    default_switches,
)
from kwika.modules.notifications.documents import NotificationPreferences
from kwika.modules.notifications.schemas import PreferencesIn, PreferencesOut


def defaults() -> dict[str, Any]:
    settings = runtime.get().settings
    document: dict[str, Any] = {
        channel: {"enabled": CHANNEL_DEFAULT_ENABLED[channel], **default_switches(channel)}
        for channel in CHANNELS
    }
    document["email"]["digest"] = "off"
    document["quiet_hours"] = {
        "enabled": False,
        "start": "22:00",
        "end": "07:00",
        "timezone": settings.notifications.default_timezone,
    }
    return document


def deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _leaves(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"email": {"messages": False}}`` -> ``{"email.messages": False}``."""
    out: dict[str, Any] = {}
    for key, value in document.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_leaves(value, path + "."))
        else:
            out[path] = value
    return out


async def effective(user_id: ObjectId) -> tuple[dict[str, Any], datetime | None]:
    """The user's preferences (defaults with their changes) and when they last changed."""
    stored = await NotificationPreferences.find_one({"user_id": user_id})
    if stored is None:
        return defaults(), None
    return deep_merge(defaults(), stored.overrides), stored.updated_at


async def get(user_id: ObjectId) -> PreferencesOut:
    document, _ = await effective(user_id)
    return PreferencesOut.model_validate(document)


async def update(user_id: ObjectId, changes: PreferencesIn) -> tuple[PreferencesOut, datetime]:
    """Deep merge: only the keys sent change, in one atomic ``$set`` of dotted paths."""
    leaves = _leaves(changes.model_dump(exclude_none=True))
    await set_values(user_id, leaves)
    document, updated_at = await effective(user_id)
    return PreferencesOut.model_validate(document), updated_at or clock.now()


async def set_values(user_id: ObjectId, leaves: dict[str, Any]) -> None:
    collection = NotificationPreferences.get_motor_collection()
    update: dict[str, Any] = {
        "$set": {**{f"overrides.{k}": v for k, v in leaves.items()}, "updated_at": clock.now()},
    }
    for attempt in range(2):
        try:
            await collection.find_one_and_update(
                {"user_id": user_id},
                update,
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            return
        except DuplicateKeyError:
            # Two first-time updates raced on the upsert; the second one now finds the row.
            if attempt:
                raise


# ---------------------------------------------------------------------------- decisions


def category_of(type_: str) -> str:
    return constants.category_of(type_)


def is_security(type_: str) -> bool:
    return category_of(type_) == SECURITY_CATEGORY


def channel_allows(document: dict[str, Any], channel: Channel, type_: str) -> bool:
    """Whether a notification of ``type_`` may go out on ``channel``. Security messages
    ignore per-type switches, and always go by email."""
    switches = document.get(channel, {})
    category = category_of(type_)
    if category == SECURITY_CATEGORY:
        return channel == "email" or bool(switches.get("enabled"))
    return bool(switches.get("enabled")) and bool(switches.get(category, False))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(runtime.get().settings.notifications.default_timezone)


def quiet_until(document: dict[str, Any], now: datetime) -> datetime | None:
    """When quiet hours are on and ``now`` falls inside them, the UTC time they end."""
    quiet = document.get("quiet_hours", {})
    if not quiet.get("enabled"):
        return None
    start = time.fromisoformat(quiet["start"])
    end = time.fromisoformat(quiet["end"])
    if start == end:
        return None
    zone = _zone(quiet.get("timezone") or "")
    local = now.astimezone(zone)
    current = local.time().replace(second=0, microsecond=0)
    # A window like 22:00-07:00 wraps past midnight.
    inside = start <= current < end if start < end else (current >= start or current < end)
    if not inside:
        return None
    ends = datetime.combine(local.date(), end, tzinfo=zone)
    if ends <= local:
        ends = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return clock.as_utc(ends)
