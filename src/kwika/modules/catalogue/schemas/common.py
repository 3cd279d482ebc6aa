"""Shared field types of the catalogue's schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, Field

from kwika.core.text import text_list

Ids = text_list(24)
Areas = text_list(100)
Languages = text_list(40)
Highlights = text_list(200)
Features = text_list(200)


def _day_or_moment(value: object) -> object:
    """``"2025-03-01"`` is a day (pydantic would read it as midnight); longer text is a
    moment."""
    if isinstance(value, str) and len(value.strip()) == 10:
        return date.fromisoformat(value.strip())
    return value


DayOrMoment = Annotated[datetime | date, BeforeValidator(_day_or_moment)]
Money = Annotated[str, Field(description='Decimal string, e.g. "150000.00"')]
