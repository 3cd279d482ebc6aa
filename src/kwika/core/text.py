"""Text helpers shared by modules that store searchable names and take lists from forms."""

from __future__ import annotations

import json
from typing import Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError


def search_key(value: str | None) -> str | None:
    """Lower-cased, whitespace-collapsed twin of a name (``name_key``): mongomock ignores
    collation, so case-insensitive equality and prefix search run on these."""
    if value is None:
        return None
    key = " ".join(value.casefold().split())
    return key or None


def search_keys(values: list[str]) -> list[str]:
    return [key for key in (search_key(v) for v in values) if key]


def split_text_list(value: Any) -> Any:
    """Lists from forms: a JSON array (``'["a","b"]'``) or comma-separated text (seed 003
    sends ``service_areas`` and ``languages`` that way); real lists pass through."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise PydanticCustomError(
                "list", "Send a JSON array or comma-separated values"
            ) from None
        return parsed
    return [part.strip() for part in text.split(",") if part.strip()]


def _unique(values: list[str]) -> list[str]:
    """Drop repeats (case-insensitively), keeping the first spelling and the order."""
    seen: set[str] = set()
    result = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def text_item(max_length: int) -> StringConstraints:
    """One item of a text list: stripped, non-empty, at most ``max_length`` long."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


# A list of short texts accepted as a JSON list, a JSON array string or comma-separated text,
# with repeats dropped. Spelled out per list so type checkers see a static type:
# ``Areas = Annotated[list[Annotated[str, text_item(100)]], TEXT_LIST, UNIQUE_TEXTS]``.
TEXT_LIST = BeforeValidator(split_text_list)
UNIQUE_TEXTS = AfterValidator(_unique)
