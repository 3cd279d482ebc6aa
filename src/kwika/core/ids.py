"""Ids are MongoDB ObjectIds on the wire as 24-hex strings; anything else is a 404."""

from __future__ import annotations

from beanie import Document, PydanticObjectId
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


def id_of(document: Document) -> PydanticObjectId:
    """The id of a stored document. Beanie types ``id`` as optional because a document has none
    before it is inserted; every caller of this holds one that was read or inserted."""
    if document.id is None:
        raise RuntimeError(f"{type(document).__name__} has no id: it was never stored")
    return document.id
