"""Shared field types of the catalogue's schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, Field

from kwika.core.text import TEXT_LIST, UNIQUE_TEXTS, text_item

Ids = Annotated[list[Annotated[str, text_item(24)]], TEXT_LIST, UNIQUE_TEXTS]
Areas = Annotated[list[Annotated[str, text_item(100)]], TEXT_LIST, UNIQUE_TEXTS]
Languages = Annotated[list[Annotated[str, text_item(40)]], TEXT_LIST, UNIQUE_TEXTS]
Highlights = Annotated[list[Annotated[str, text_item(200)]], TEXT_LIST, UNIQUE_TEXTS]
Features = Annotated[list[Annotated[str, text_item(200)]], TEXT_LIST, UNIQUE_TEXTS]


def _day_or_moment(value: object) -> object:
    """``"2025-03-01"`` is a day (pydantic would read it as midnight); longer text is a
    moment."""
    if isinstance(value, str) and len(value.strip()) == 10:
        return date.fromisoformat(value.strip())
    return value


DayOrMoment = Annotated[datetime | date, BeforeValidator(_day_or_moment)]
Money = Annotated[str, Field(description='Decimal string, e.g. "150000.00"')]
