"""A module registers its vocabulary through its ModuleSpec alone: the test module in
``tests/platform_module`` (plugged into the registry, no other module's file touched)
declares a notification type, an upload context, a conversation context type, a listing
kind, a Socket.IO event and a settings section, and each works through the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bson import ObjectId

from kwika import registry
from kwika.core.module import listing_kinds, reset_module_settings
from kwika.modules.discovery.reindex import reindex
from kwika.modules.notifications import notify
from tests.modules.media import samples
from tests.platform_module import ITEMS, Thing
from tests.support import SocketUser, data, register

PATH = "tests.platform_module.module"


@pytest.fixture
def platform() -> Iterator[None]:
    # Plugged before the application is built when it is per test (its socket handlers
    # are then served from the start), after it otherwise (they are added to the server).
    with registry.plugged(PATH):
        yield
    ITEMS.clear()


async def test_a_declared_notification_type_lands_in_the_inbox_with_its_template(
    platform, client, outbox
):
    ann = await register(client, outbox, first_name="Ann")

    await notify(ann.id, type="platform_ping", title="Ping", message="Are you there?")

    items = data(await client.get("/notifications", headers=ann.headers))["items"]
    assert [(i["type"], i["message"]) for i in items][:1] == [("platform_ping", "Are you there?")]
    email = await outbox.last(to=ann.email, template="platform_ping")
    assert email["subject"] == "Ping from the platform test module"


async def test_a_declared_upload_context_is_accepted_with_its_own_limits(platform, client, outbox):
    ann = await register(client, outbox)

    accepted = await client.post(
        "/uploads/direct",
        headers=ann.headers,
        files={"file": ("s.png", samples.png(), "image/png")},
        data={"context": "platform_sticker"},
    )
    refused = await client.post(
        "/uploads/direct",
        headers=ann.headers,
        files={"file": ("s.pdf", samples.PDF, "application/pdf")},
        data={"context": "platform_sticker"},
    )

    assert accepted.status_code == 201, accepted.text
    assert data(accepted)["context"] == "platform_sticker"
    assert refused.status_code == 400, refused.text


async def test_a_declared_conversation_context_starts_a_conversation(platform, client, outbox):
    ann = await register(client, outbox, first_name="Ann")
    bob = await register(client, outbox, first_name="Bob")
    thing = Thing(ObjectId(), ObjectId(bob.id), "Blue bicycle")
    ITEMS[thing.id] = thing

    started = await client.post(
        "/messages/start",
        json={
            "recipient_id": bob.id,
            "content": "Is it still for sale?",
            "context": {"type": "platform_thing", "id": str(thing.id)},
        },
        headers=ann.headers,
    )
    unknown = await client.post(
        "/messages/start",
        json={
            "recipient_id": bob.id,
            "content": "Hi",
            "context": {"type": "platform_thing", "id": str(ObjectId())},
        },
        headers=ann.headers,
    )

    assert started.status_code == 201, started.text
    conversation = data(
        await client.get(f"/conversations/{data(started)['conversation_id']}", headers=ann.headers)
    )
    assert conversation["context"]["type"] == "platform_thing"
    assert conversation["context"]["title"] == "Blue bicycle"
    assert unknown.status_code == 404, unknown.text


async def test_without_the_module_its_context_type_is_refused(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    response = await client.post(
        "/messages/start",
        json={
            "recipient_id": bob.id,
            "content": "Hi",
            "context": {"type": "platform_thing", "id": "x"},
        },
        headers=ann.headers,
    )
    assert response.status_code == 400, response.text


async def test_a_declared_listing_kind_is_reindexed_and_found_by_the_global_search(
    platform, client, outbox
):
    ann = await register(client, outbox)
    thing = Thing(ObjectId(), ObjectId(ann.id), "Zebrafrost lantern")
    ITEMS[thing.id] = thing
    assert "platform_thing" in listing_kinds

    counts = await reindex()
    found = data(await client.get("/search", params={"q": "Zebrafrost"}))

    assert counts["platform things"] == 1
    assert [(i["type"], i["id"]) for i in found["items"]] == [("platform_thing", str(thing.id))]


async def test_a_declared_socket_event_answers_with_the_modules_settings(
    platform, monkeypatch, live_server, live_client, outbox
):
    monkeypatch.setenv("KWIKA_PLATFORM__GREETING", "hello from the section")
    reset_module_settings()
    ann = await register(live_client, outbox)
    socket = SocketUser()
    await socket.connect(live_server, ann.access_token)
    try:
        ack = await socket.call("platform_echo", {"n": 1})
    finally:
        await socket.close()
        reset_module_settings()

    assert ack == {
        "success": True,
        "message": "OK",
        "data": {"echo": {"n": 1}, "greeting": "hello from the section", "user_id": ann.id},
    }
