"""What the test module does: its "things" live in memory (no documents needed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pydantic import BaseModel

from kwika.core.errors import NotFound
from kwika.core.module import ContextObject, module_settings
from kwika.modules import discovery


class PlatformSettings(BaseModel):
    greeting: str = "pong"


@dataclass
class Thing:
    id: ObjectId
    owner_id: ObjectId
    title: str


ITEMS: dict[ObjectId, Thing] = {}


async def thing_context(thing_id: str, people: list[ObjectId]) -> ContextObject:
    """A conversation about a thing shows the thing's own title; unknown things are 404."""
    for thing in ITEMS.values():
        if str(thing.id) == thing_id:
            return ContextObject(id=str(thing.id), title=thing.title)
    raise NotFound("Thing not found")


async def all_thing_ids() -> AsyncIterator[ObjectId]:
    for thing_id in list(ITEMS):
        yield thing_id


async def refresh_thing(thing_id: ObjectId) -> None:
    thing = ITEMS.get(thing_id)
    if thing is None:
        await discovery.remove("platform_thing", thing_id)
        return
    await discovery.upsert(
        discovery.ListingIn(
            kind="platform_thing",
            ref_id=str(thing.id),
            owner_id=str(thing.owner_id),
            created_at=thing.id.generation_time,
            title=thing.title,
            description=f"A thing called {thing.title}",
            card={"id": str(thing.id), "title": thing.title},
        )
    )


async def echo(connection: Any, payload: Any) -> dict[str, Any]:
    """Socket.IO ``platform_echo``: the payload back, with the section's greeting."""
    settings = module_settings("platform", PlatformSettings)
    return {"echo": payload, "greeting": settings.greeting, "user_id": str(connection.user_id)}
