"""Who notifications are for, asked through a protocol instead of importing identity.

Identity depends on notifications (it sends codes and alerts), so notifications must not
depend on identity: identity provides :class:`People` through its ``ModuleSpec.provides``
and notifications asks ``resolvers.get(People)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bson import ObjectId

from kwika.core.module import resolvers


class Recipient(Protocol):
    """Where to deliver messages to a user."""

    @property
    def user_id(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def email_verified(self) -> bool: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def phone_verified(self) -> bool: ...


class Actor(Protocol):
    """Who caused a notification, as the inbox shows them."""

    @property
    def id(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def avatar(self) -> str | None: ...


class People(Protocol):
    async def contacts(self, user_id: ObjectId) -> Recipient:
        """The user's addresses; ``NotFound`` when there is no such (undeleted) user."""
        ...

    async def actors(self, user_ids: Sequence[ObjectId]) -> Mapping[str, Actor]:
        """Many at once, keyed by id; unknown ids are absent."""
        ...


def people() -> People:
    return resolvers.get(People)  # type: ignore[type-abstract]
