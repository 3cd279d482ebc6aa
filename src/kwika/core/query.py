"""Typed query parameters: enumerations are ``Literal`` types that Litestar validates (a bad
value is a 400 ``VALIDATION_FAILED`` naming the parameter, like any field error), and
sorting is a public name mapped to a stored field.

    SortBy = Literal["created_at", "title"]
    SORT_FIELDS: dict[SortBy, str] = {"created_at": "created_at", "title": "title_key"}

    async def handler(sort_by: Annotated[SortBy, QueryParameter()] = "created_at",
                      sort_order: Annotated[SortOrder, QueryParameter()] = "desc") -> ...:
        ... .sort(sorting(SORT_FIELDS, sort_by, sort_order))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from beanie.odm.enums import SortDirection

SortOrder = Literal["asc", "desc"]
# The value of an enumeration filter that means "no filter".
ALL = "all"


def sorting(
    fields: Mapping[str, str], by: str, order: SortOrder, *, tiebreak: str = "_id"
) -> list[tuple[str, SortDirection]]:
    """The MongoDB sort for the public name ``by``: its stored field, then ``tiebreak`` in
    the same direction so pages never overlap when values tie."""
    direction = SortDirection.ASCENDING if order == "asc" else SortDirection.DESCENDING
    return [(fields[by], direction), (tiebreak, direction)]
