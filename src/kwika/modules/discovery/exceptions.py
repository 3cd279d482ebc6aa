"""Discovery's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from kwika.core.errors import NotFound


class ListingNotFound(NotFound):
    """A saved-listing toggle for a listing the index does not hold, named by its kind."""

    default_message = "{label} not found"

    def __init__(self, label: str) -> None:
        super().__init__(self.default_message.format(label=label))
