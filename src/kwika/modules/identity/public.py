"""What other modules may know about users: small snapshots and a few guarded updates.

Documents stay inside identity (house rule 3); everything here returns plain schemas.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

from bson import ObjectId
from pydantic import BaseModel

from kwika.core import clock
from kwika.core.ids import id_of, parse_id
from kwika.modules.identity import signals
from kwika.modules.identity.documents import User
from kwika.modules.identity.exceptions import (
    UserNotFound,
)

CounterName = Literal["followers", "following", "posts", "events", "services"]


class UserSummary(BaseModel):
    """A snapshot other modules embed next to a user id (author, participant, provider)."""

    id: str
    username: str
    first_name: str
    last_name: str
    full_name: str
    avatar: str | None
    account_type: str
    is_active: bool

    @classmethod
    def of(cls, user: User) -> UserSummary:
        return cls(
            id=str(user.id),
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            full_name=user.full_name,
            avatar=user.avatar,
            account_type=user.account_type,
            is_active=user.status == "active",
        )


class Contacts(BaseModel):
    """Where to deliver messages to a user (notifications)."""

    user_id: str
    first_name: str
    email: str | None
    email_verified: bool
    phone: str | None
    phone_verified: bool


async def _find(user_id: str | ObjectId) -> User:
    user = await User.get(parse_id(user_id, "User"))
    if user is None or user.status == "deleted":
        raise UserNotFound()
    return user


async def get_user_summary(user_id: str | ObjectId) -> UserSummary:
    """404 ``NotFound("User not found")`` for unknown, malformed or deleted ids."""
    return UserSummary.of(await _find(user_id))


async def get_user_summaries(user_ids: Collection[ObjectId]) -> dict[str, UserSummary]:
    """Many at once (one query), keyed by id; unknown ids are simply absent."""
    users = await User.find(
        {"_id": {"$in": list(user_ids)}, "status": {"$ne": "deleted"}}
    ).to_list()
    return {str(user.id): UserSummary.of(user) for user in users}


async def get_contacts(user_id: str | ObjectId) -> Contacts:
    user = await _find(user_id)
    return Contacts(
        user_id=str(user.id),
        first_name=user.first_name,
        email=user.email,
        email_verified=user.is_email_verified,
        phone=user.phone,
        phone_verified=user.is_phone_verified,
    )


async def adjust_counter(user_id: ObjectId, counter: CounterName, delta: int) -> None:
    """Guarded ``$inc`` of a profile counter; it never goes below zero."""
    query: dict[str, object] = {"_id": user_id}
    if delta < 0:
        query[f"counters.{counter}"] = {"$gte": -delta}
    await User.get_motor_collection().update_one(query, {"$inc": {f"counters.{counter}": delta}})


async def set_account_type(user_id: ObjectId, account_type: Literal["client", "provider"]) -> None:
    """Becoming a provider (providers module) turns a client account into a provider one."""
    await User.get_motor_collection().update_one(
        {"_id": user_id}, {"$set": {"account_type": account_type, "updated_at": clock.now()}}
    )


async def set_avatar(user_id: ObjectId, avatar_url: str | None) -> str | None:
    """Replace the avatar URL; returns the previous one so its file can be deleted."""
    user = await _find(user_id)
    update: dict[str, object] = (
        {"$set": {"avatar": avatar_url, "updated_at": clock.now()}}
        if avatar_url
        else {"$unset": {"avatar": ""}, "$set": {"updated_at": clock.now()}}
    )
    await User.get_motor_collection().update_one({"_id": user.id}, update)
    await signals.user_changed.send(user_id=id_of(user))
    return user.avatar


class NotificationPeople:
    """What notifications asks identity (``notifications.People``), provided through
    identity's ModuleSpec so notifications never imports identity."""

    async def contacts(self, user_id: ObjectId) -> Contacts:
        return await get_contacts(user_id)

    async def actors(self, user_ids: Sequence[ObjectId]) -> dict[str, UserSummary]:
        return await get_user_summaries(user_ids)
