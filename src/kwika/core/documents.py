"""A base for documents that record when they were created and last changed."""

from __future__ import annotations

from datetime import datetime

from beanie import Document, Replace, Save, SaveChanges, Update, before_event
from pydantic import Field

from kwika.core import clock


class Timestamped(Document):
    """``created_at`` and ``updated_at`` (stored under these names), set on insert and
    moved on every save, replace or update through Beanie. Raw collection updates
    (``get_motor_collection().update_one``, used for guarded writes) bypass the hook: they
    set ``updated_at`` themselves."""

    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)

    @before_event(Replace, Save, SaveChanges, Update)
    def _touch(self) -> None:
        self.updated_at = clock.now()
