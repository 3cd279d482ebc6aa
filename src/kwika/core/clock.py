"""The one source of "now", so tests and actors agree on time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """Current UTC time, timezone-aware, truncated to MongoDB's millisecond precision."""
    current = datetime.now(UTC) + _offset
    return current.replace(microsecond=current.microsecond // 1000 * 1000)


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes (as some drivers return them) as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def travel(delta: timedelta) -> None:
    """Move the clock (tests only: expiry and grace periods without sleeping)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
