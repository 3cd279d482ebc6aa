"""Conversations over HTTP (seed 003 module 11, seed 002 Task 9, seed 004 5.3)."""

from __future__ import annotations

from tests.support import data, make_provider, register

SERVICE_ID = "65f0000000000000000000aa"


async def _start(client, sender, recipient, content="Hello!", **extra):
    response = await client.post(
        "/messages/start",
        json={"recipient_id": recipient.id, "content": content, **extra},
        headers=sender.headers,
    )
    assert response.status_code == 201, response.text
    return data(response)


async def test_start_a_conversation_and_starting_it_again_continues_it(client, outbox):
    ann = await register(client, outbox, first_name="Ann")
    bob = await register(client, outbox, first_name="Bob")

    first = await _start(client, ann, bob, "Hi Bob")
    again = await _start(client, ann, bob, "Are you there?")
    reverse = await _start(client, bob, ann, "Yes!")

    assert first["conversation_id"] == again["conversation_id"] == reverse["conversation_id"]
    conversation = first["conversation"]
    assert conversation["type"] == "user_to_user"
    assert conversation["participant"]["id"] == bob.id
    assert conversation["participant"]["name"] == "Bob User"
    assert conversation["title"] == "Bob User"
    assert first["message"]["content"] == "Hi Bob"
    assert first["message"]["is_mine"] is True


async def _service(client, owner, **fields):
    response = await client.post(
        "/user-services",
        json={"title": "Wedding photography", "description": "Full day", "price": "500000"}
        | fields,
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return data(response)


async def test_a_context_makes_a_separate_conversation(client, outbox):
    ann = await register(client, outbox)
    bob = await make_provider(client, outbox)
    service = await _service(client, bob)

    general = await _start(client, ann, bob)
    about_service = await _start(
        client,
        ann,
        bob,
        "I like your photography service",
        context={"type": "service", "id": service["id"].upper(), "title": "Cheap! Pay now"},
    )

    assert about_service["conversation_id"] != general["conversation_id"]
    assert about_service["conversation"]["type"] == "user_to_service"
    # The title is the service's own; what the caller sent is ignored.
    assert about_service["conversation"]["context"] == {
        "type": "service",
        "id": service["id"],
        "title": "Wedding photography",
    }
    again = await _start(
        client, ann, bob, "again", context={"type": "service", "id": service["id"]}
    )
    assert again["conversation_id"] == about_service["conversation_id"]
    services = data(await client.get("/messages/conversations?filter=service", headers=ann.headers))
    assert [c["id"] for c in services["items"]] == [about_service["conversation_id"]]


async def test_a_service_context_must_exist_and_be_visible(client, outbox):
    ann = await register(client, outbox)
    bob = await make_provider(client, outbox)
    hidden = await _service(client, bob, title="Not yet")
    await client.put(
        f"/user-services/{hidden['id']}", json={"status": "inactive"}, headers=bob.headers
    )
    cara = await register(client, outbox)

    def start(sender, recipient, context):
        return client.post(
            "/messages/start",
            json={"recipient_id": recipient.id, "content": "hi", "context": context},
            headers=sender.headers,
        )

    unknown = await start(ann, bob, {"type": "service", "id": SERVICE_ID})
    malformed = await start(ann, bob, {"type": "service", "id": "nope"})
    # An inactive service is a context only for conversations its owner is in.
    strangers = await start(ann, cara, {"type": "service", "id": hidden["id"]})
    with_owner = await start(ann, bob, {"type": "service", "id": hidden["id"]})
    group = await client.post(
        "/conversations",
        json={
            "type": "group",
            "participant_ids": [cara.id],
            "context": {"type": "service", "id": SERVICE_ID},
        },
        headers=ann.headers,
    )

    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Service not found"
    assert malformed.status_code == 404
    assert strangers.status_code == 404
    assert with_owner.status_code == 201, with_owner.text
    assert data(with_owner)["conversation"]["context"]["title"] == "Not yet"
    assert group.status_code == 404
    assert data(await client.get("/messages/conversations", headers=cara.headers))["items"] == []


async def test_contexts_of_modules_to_come_keep_no_caller_title(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)

    started = await _start(
        client,
        ann,
        bob,
        "About the booking",
        context={"type": "booking", "id": "BK-1042", "title": "URGENT pay now"},
    )
    group = await client.post(
        "/conversations",
        json={
            "type": "group",
            "participant_ids": [bob.id],
            "title": "Crew",
            "context": {"type": "event", "id": "65f0000000000000000000ee", "title": "Free money"},
        },
        headers=ann.headers,
    )

    assert started["conversation"]["context"] == {"type": "booking", "id": "BK-1042", "title": None}
    bobs = data(await client.get("/messages/conversations", headers=bob.headers))["items"]
    assert all("URGENT" not in str(c) and "Free money" not in str(c) for c in bobs)
    assert data(group)["conversation"]["context"] == {
        "type": "event",
        "id": "65f0000000000000000000ee",
        "title": None,
    }


async def test_start_refuses_unknown_users_and_yourself(client, outbox):
    ann = await register(client, outbox)
    unknown = await client.post(
        "/messages/start",
        json={"recipient_id": "65f000000000000000000099", "content": "hi"},
        headers=ann.headers,
    )
    yourself = await client.post(
        "/messages/start", json={"recipient_id": ann.id, "content": "hi"}, headers=ann.headers
    )
    empty = await client.post(
        "/messages/start", json={"recipient_id": ann.id, "content": "  "}, headers=ann.headers
    )

    assert unknown.status_code == 404
    assert yourself.status_code == 400
    assert empty.status_code == 400


async def test_conversation_list_with_unread_counts_and_summary(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    cara = await register(client, outbox)
    with_bob = await _start(client, ann, bob, "one")
    await _start(client, bob, ann, "two")
    await _start(client, bob, ann, "three")
    with_cara = await _start(client, cara, ann, "hello from cara")

    listed = data(await client.get("/messages/conversations", headers=ann.headers))

    assert [c["id"] for c in listed["items"]] == [
        with_cara["conversation_id"],
        with_bob["conversation_id"],
    ]
    assert listed["summary"] == {"total_conversations": 2, "total_unread": 3}
    bob_conv = listed["items"][1]
    assert bob_conv["unread_count"] == 2
    assert bob_conv["last_message"]["content"] == "three"
    assert bob_conv["last_message"]["is_mine"] is False
    assert bob_conv["participant"]["is_online"] is False
    unread = data(await client.get("/messages/unread-count", headers=ann.headers))
    assert unread == {"unread_count": 3, "unread": 3, "conversations": 2}
    # Sending does not mark what you received as read: Bob has not read "one" yet.
    bobs = data(await client.get("/messages/conversations?filter=unread", headers=bob.headers))
    assert [c["unread_count"] for c in bobs["items"]] == [1]
    cara_unread = data(
        await client.get("/messages/conversations?filter=unread", headers=cara.headers)
    )
    assert cara_unread["items"] == []
    same = data(await client.get("/conversations", headers=ann.headers))
    assert [c["id"] for c in same["items"]] == [c["id"] for c in listed["items"]]


async def test_a_third_user_cannot_read_or_write_their_conversation(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    eve = await register(client, outbox)
    started = await _start(client, ann, bob, "secret")
    cid = started["conversation_id"]
    mid = started["message"]["id"]

    attempts = [
        await client.get(f"/messages/{cid}", headers=eve.headers),
        await client.post(f"/messages/{cid}", json={"content": "hi"}, headers=eve.headers),
        await client.get(f"/conversations/{cid}", headers=eve.headers),
        await client.get(f"/conversations/{cid}/messages", headers=eve.headers),
        await client.put(f"/messages/{cid}/read", headers=eve.headers),
        await client.put(f"/messages/{mid}/read", headers=eve.headers),
        await client.delete(f"/messages/{cid}/messages/{mid}", headers=eve.headers),
        await client.post(f"/messages/{cid}/archive", headers=eve.headers),
        await client.post(f"/messages/{cid}/mute", json={"muted": True}, headers=eve.headers),
        await client.post(
            f"/messages/{cid}/messages/{mid}/reactions", json={"emoji": "👍"}, headers=eve.headers
        ),
        await client.post(
            "/messages", json={"conversation_id": cid, "content": "hi"}, headers=eve.headers
        ),
    ]

    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert data(await client.get("/messages/conversations", headers=eve.headers))["items"] == []
    history = data(await client.get(f"/messages/{cid}", headers=ann.headers))
    assert [m["content"] for m in history["items"]] == ["secret"]


async def test_archive_and_mute_are_per_participant(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    cid = (await _start(client, ann, bob))["conversation_id"]

    archived = await client.post(f"/messages/{cid}/archive", headers=ann.headers)
    muted = await client.post(
        f"/messages/{cid}/mute", json={"muted": True, "duration": "8h"}, headers=ann.headers
    )

    assert data(archived) == {"archived": True}
    assert data(muted)["muted"] is True
    assert data(muted)["muted_until"] is not None
    assert data(await client.get("/messages/conversations", headers=ann.headers))["items"] == []
    in_archive = data(
        await client.get("/messages/conversations?filter=archived", headers=ann.headers)
    )
    assert in_archive["items"][0]["archived"] is True
    assert in_archive["items"][0]["muted"] is True
    bobs = data(await client.get("/messages/conversations", headers=bob.headers))["items"]
    assert bobs[0]["archived"] is False
    assert bobs[0]["muted"] is False

    # A new message brings the conversation back; unmute and forever.
    await client.post(f"/messages/{cid}", json={"content": "ping"}, headers=bob.headers)
    assert len(data(await client.get("/messages/conversations", headers=ann.headers))["items"]) == 1
    forever = await client.post(f"/messages/{cid}/mute", json={"muted": True}, headers=ann.headers)
    assert data(forever) == {"muted": True, "muted_until": None}
    unmuted = await client.post(f"/messages/{cid}/mute", json={"muted": False}, headers=ann.headers)
    assert data(unmuted) == {"muted": False, "muted_until": None}
    bad = await client.post(
        f"/messages/{cid}/mute", json={"muted": True, "duration": "3y"}, headers=ann.headers
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "duration"


async def test_mute_without_a_body_mutes_until_unmuted(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    cid = (await _start(client, ann, bob))["conversation_id"]

    no_body = await client.post(f"/messages/{cid}/mute", headers=ann.headers)
    empty = await client.post(f"/messages/{cid}/mute", json={}, headers=bob.headers)

    assert no_body.status_code == 200, no_body.text
    assert data(no_body) == {"muted": True, "muted_until": None}
    assert data(empty) == {"muted": True, "muted_until": None}
    assert data(await client.get(f"/conversations/{cid}", headers=ann.headers))["muted"] is True


async def test_group_conversations(client, outbox):
    owner = await register(client, outbox, first_name="Olga")
    bob = await register(client, outbox, first_name="Bob")
    cara = await register(client, outbox, first_name="Cara")
    dan = await register(client, outbox, first_name="Dan")

    created = await client.post(
        "/conversations",
        json={
            "type": "group",
            "participant_ids": [bob.id, cara.id],
            "title": "Safari planning",
            "content": "Welcome everyone",
        },
        headers=owner.headers,
    )

    assert created.status_code == 201, created.text
    group = data(created)["conversation"]
    cid = group["id"]
    assert group["type"] == "group"
    assert group["is_group"] is True
    assert group["title"] == "Safari planning"
    assert group["role"] == "owner"
    assert {p["id"]: p["role"] for p in group["participants"]} == {
        owner.id: "owner",
        bob.id: "member",
        cara.id: "member",
    }
    history = data(await client.get(f"/conversations/{cid}/messages", headers=bob.headers))
    assert [(m["message_type"], m["content"]) for m in history["items"]] == [
        ("text", "Welcome everyone"),
        ("system", "Olga User created the group"),
    ]
    bob_view = data(await client.get(f"/conversations/{cid}", headers=bob.headers))
    assert bob_view["unread_count"] == 1  # system messages do not count

    # Members cannot manage; the owner can.
    refused = await client.post(
        f"/conversations/{cid}/participants", json={"user_ids": [dan.id]}, headers=bob.headers
    )
    assert refused.status_code == 403
    added = await client.post(
        f"/conversations/{cid}/participants", json={"user_ids": [dan.id]}, headers=owner.headers
    )
    assert added.status_code == 200
    assert len(data(added)["participants"]) == 4
    dan_history = data(await client.get(f"/conversations/{cid}/messages", headers=dan.headers))
    assert [m["content"] for m in dan_history["items"]] == ["Olga User added Dan User"]

    renamed = await client.patch(
        f"/conversations/{cid}", json={"title": "Serengeti trip"}, headers=owner.headers
    )
    assert data(renamed)["title"] == "Serengeti trip"

    # Bob leaves; the owner removes Cara; removed people lose access.
    assert (
        await client.delete(f"/conversations/{cid}/participants/{bob.id}", headers=bob.headers)
    ).status_code == 200
    assert (
        await client.delete(f"/conversations/{cid}/participants/{cara.id}", headers=owner.headers)
    ).status_code == 200
    assert (await client.get(f"/conversations/{cid}", headers=bob.headers)).status_code == 404
    remaining = data(await client.get(f"/conversations/{cid}", headers=owner.headers))
    assert {p["id"] for p in remaining["participants"]} == {owner.id, dan.id}

    # The owner leaves: Dan becomes owner.
    await client.delete(f"/conversations/{cid}/participants/{owner.id}", headers=owner.headers)
    assert data(await client.get(f"/conversations/{cid}", headers=dan.headers))["role"] == "owner"


async def test_group_creation_validates_participants(client, outbox):
    owner = await register(client, outbox)
    response = await client.post(
        "/conversations",
        json={"type": "group", "participant_ids": ["65f000000000000000000099", "bad"]},
        headers=owner.headers,
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"participant_ids.1"}


async def test_create_direct_conversation_seed_004(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    first = await client.post(
        "/conversations", json={"participant_ids": [bob.id]}, headers=ann.headers
    )
    second = await client.post(
        "/conversations", json={"type": "direct", "participantIds": [bob.id]}, headers=ann.headers
    )
    assert first.status_code == 201
    assert data(first)["conversation_id"] == data(second)["conversation_id"]
    assert data(first)["message"] is None
