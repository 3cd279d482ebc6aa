"""Ids are MongoDB ObjectIds on the wire as 24-hex strings; anything else is a 404."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId

from kwika.core.errors import NotFound


def parse_id(value: str | ObjectId, resource: str = "Resource") -> ObjectId:
    """Parse a path/body id; a malformed id is indistinguishable from a missing object."""
    if isinstance(value, ObjectId):
        return value
    try:
        if len(value) != 24:
            raise InvalidId(value)
        return ObjectId(value)
    except (InvalidId, TypeError):
        raise NotFound(f"{resource} not found") from None


def try_parse_id(value: str | None) -> ObjectId | None:
    if value is None or len(value) != 24:
        return None
    try:
        return ObjectId(value)
    except InvalidId:
        return None
