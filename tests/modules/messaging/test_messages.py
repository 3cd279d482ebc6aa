"""Messages over HTTP: sending (JSON and form), history with a cursor, read receipts,
deletion, reactions, replies, the seed 002 forms, offline notifications, rate limits."""

from __future__ import annotations

from datetime import timedelta

from kwika.core import clock, runtime
from kwika.core.redis import redis_key
from kwika.modules.messaging import tasks
from tests.support import data, register, run_now


async def _pair(client, outbox):
    ann = await register(client, outbox, first_name="Ann")
    bob = await register(client, outbox, first_name="Bob")
    started = await client.post(
        "/messages/start", json={"recipient_id": bob.id, "content": "first"}, headers=ann.headers
    )
    return ann, bob, data(started)["conversation_id"]


async def test_send_as_json_and_as_form_fields(client, outbox):
    ann, bob, cid = await _pair(client, outbox)

    as_json = await client.post(f"/messages/{cid}", json={"content": "hello"}, headers=ann.headers)
    as_form = await client.post(
        f"/messages/{cid}", data={"content": "from a form"}, headers=bob.headers
    )
    as_multipart = await client.post(
        f"/messages/{cid}",
        files={"content": (None, "multipart text"), "reply_to": (None, data(as_json)["id"])},
        headers=bob.headers,
    )
    file_elsewhere = await client.post(
        f"/messages/{cid}",
        files={"content": ("a.pdf", b"%PDF-1.4", "application/pdf")},
        headers=bob.headers,
    )

    assert as_json.status_code == 201, as_json.text
    assert data(as_json)["attachments"] == []
    assert data(as_json)["sender"]["name"] == "Ann User"
    assert as_form.status_code == 201, as_form.text
    assert data(as_form)["content"] == "from a form"
    assert as_multipart.status_code == 201, as_multipart.text
    assert data(as_multipart)["reply_to"]["content"] == "hello"
    assert file_elsewhere.status_code == 400
    assert file_elsewhere.json()["errors"][0]["field"] == "content"


async def test_message_validation(client, outbox):
    ann, _, cid = await _pair(client, outbox)
    cases = [
        {"content": ""},
        {"content": "x" * 5001},
        {"content": "x", "attachments": ["not-a-media-id"]},
        {"content": "x", "attachments": [f"65f0000000000000000000a{n}" for n in range(6)]},
        {"content": "x", "reply_to": "65f000000000000000000011"},
        {"message_type": "event_invitation"},
    ]
    for body in cases:
        response = await client.post(f"/messages/{cid}", json=body, headers=ann.headers)
        assert response.status_code == 400, body
        assert response.json()["code"] == "VALIDATION_FAILED"


async def test_event_invitation_messages(client, outbox):
    ann, _bob, cid = await _pair(client, outbox)
    response = await client.post(
        f"/messages/{cid}",
        json={
            "message_type": "event_invitation",
            "event_id": "65f0000000000000000000ee",
            "content": "Come to the beach party!",
        },
        headers=ann.headers,
    )
    assert response.status_code == 201
    assert data(response)["message_type"] == "event_invitation"
    assert data(response)["event"] == {"id": "65f0000000000000000000ee", "title": None}


async def test_history_is_newest_first_with_a_cursor(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    for n in range(5):
        clock.travel(timedelta(seconds=1))
        await client.post(f"/messages/{cid}", json={"content": f"m{n}"}, headers=ann.headers)

    first = data(await client.get(f"/messages/{cid}?limit=3", headers=bob.headers))
    assert [m["content"] for m in first["items"]] == ["m4", "m3", "m2"]
    assert first["pagination"]["total_items"] == 6
    assert first["conversation"]["id"] == cid
    older = data(
        await client.get(
            f"/messages/{cid}?limit=3&before={first['next_cursor']}", headers=bob.headers
        )
    )
    assert [m["content"] for m in older["items"]] == ["m1", "m0", "first"]
    assert older["next_cursor"] is None
    newer = data(
        await client.get(f"/messages/{cid}?after={older['items'][0]['id']}", headers=bob.headers)
    )
    assert [m["content"] for m in newer["items"]] == ["m4", "m3", "m2"]
    bad = await client.get(f"/messages/{cid}?before=nope", headers=bob.headers)
    assert bad.status_code == 400


async def test_read_receipts_per_participant(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    second = data(
        await client.post(f"/messages/{cid}", json={"content": "second"}, headers=ann.headers)
    )

    before = data(await client.get(f"/messages/{cid}", headers=ann.headers))["items"]
    assert [m["is_read"] for m in before] == [False, False]

    one = await client.put(
        f"/messages/{cid}/read", json={"message_ids": [second["id"]]}, headers=bob.headers
    )
    assert data(one)["marked_count"] == 1
    assert data(one)["unread_count"] == 1
    everything = await client.put(f"/messages/{cid}/read", headers=bob.headers)
    assert data(everything)["marked_count"] == 1
    assert data(everything)["unread_count"] == 0

    after = data(await client.get(f"/messages/{cid}", headers=ann.headers))["items"]
    assert [m["is_read"] for m in after] == [True, True]
    assert after[0]["read_by"][0]["user_id"] == bob.id
    assert after[0]["read_at"] is not None
    bobs_view = data(await client.get(f"/messages/{cid}", headers=bob.headers))["items"]
    assert all(m["is_read"] and not m["is_mine"] for m in bobs_view)
    assert (
        data(await client.get("/messages/unread-count", headers=bob.headers))["unread_count"] == 0
    )


async def test_seed_002_forms(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)

    sent = await client.post(
        "/messages",
        json={"receiver_id": bob.id, "content": "hello via seed 002"},
        headers=ann.headers,
    )
    assert sent.status_code == 201, sent.text
    message = data(sent)
    again = await client.post(
        "/messages",
        json={"conversation_id": message["conversation_id"], "content": "second"},
        headers=ann.headers,
    )
    assert data(again)["conversation_id"] == message["conversation_id"]

    with_ann = data(await client.get(f"/messages/conversation/{ann.id}", headers=bob.headers))
    assert [m["content"] for m in with_ann["items"]] == ["second", "hello via seed 002"]
    assert data(await client.get("/messages/unread-count", headers=bob.headers)) == {
        "unread_count": 2,
        "unread": 2,
        "conversations": 1,
    }
    marked = await client.put(f"/messages/{message['id']}/read", headers=bob.headers)
    assert data(marked)["message_ids"] == [message["id"]]
    assert (
        data(await client.get("/messages/unread-count", headers=bob.headers))["unread_count"] == 1
    )

    nobody = await register(client, outbox)
    empty = data(await client.get(f"/messages/conversation/{nobody.id}", headers=bob.headers))
    assert empty["items"] == []
    assert empty["conversation"] is None


async def test_delete_is_soft_and_only_for_the_sender(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    sent = data(
        await client.post(f"/messages/{cid}", json={"content": "oops"}, headers=ann.headers)
    )

    not_mine = await client.delete(f"/messages/{cid}/messages/{sent['id']}", headers=bob.headers)
    mine = await client.delete(f"/messages/{cid}/messages/{sent['id']}", headers=ann.headers)

    assert not_mine.status_code == 403
    assert mine.status_code == 200
    items = data(await client.get(f"/messages/{cid}", headers=bob.headers))["items"]
    assert items[0]["id"] == sent["id"]
    assert items[0]["is_deleted"] is True
    assert items[0]["content"] == ""
    bob_conv = data(await client.get(f"/conversations/{cid}", headers=bob.headers))
    assert bob_conv["unread_count"] == 1  # only "first" remains unread
    assert bob_conv["last_message"]["content"] == ""


async def test_reactions_one_per_person(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    mid = data(await client.get(f"/messages/{cid}", headers=bob.headers))["items"][0]["id"]

    await client.post(
        f"/messages/{cid}/messages/{mid}/reactions", json={"emoji": "👍"}, headers=bob.headers
    )
    changed = await client.post(
        f"/messages/{cid}/messages/{mid}/reactions", json={"emoji": "❤️"}, headers=bob.headers
    )
    await client.post(
        f"/messages/{cid}/messages/{mid}/reactions", json={"emoji": "😂"}, headers=ann.headers
    )

    assert [(r["user_id"], r["emoji"]) for r in data(changed)["reactions"]] == [(bob.id, "❤️")]
    removed = await client.delete(f"/messages/{cid}/messages/{mid}/reactions", headers=bob.headers)
    assert [(r["user_id"], r["emoji"]) for r in data(removed)["reactions"]] == [(ann.id, "😂")]


async def test_an_offline_recipient_gets_one_notification_per_conversation_window(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    await outbox.messages()  # "first" is notified (the actor runs after each send)
    await client.post(f"/messages/{cid}", json={"content": "are you there?"}, headers=ann.headers)

    emails = await outbox.messages(to=bob.email, template="new_message")
    assert len(emails) == 1
    assert emails[0]["subject"] == "Ann User sent you a message"
    assert '"first"' in emails[0]["body"]
    listed = data(await client.get("/notifications?type=message", headers=bob.headers))
    notification = listed["items"][0]
    assert notification["reference_type"] == "conversation"
    assert notification["reference_id"] == cid
    assert notification["data"]["sender_id"] == ann.id
    assert notification["actor"]["id"] == ann.id
    assert listed["pagination"]["total_items"] == 1

    # Reading the conversation re-arms the notification.
    await client.put(f"/messages/{cid}/read", headers=bob.headers)
    await client.post(f"/messages/{cid}", json={"content": "hello?"}, headers=ann.headers)
    assert len(await outbox.messages(to=bob.email, template="new_message")) == 2


async def test_a_muted_conversation_does_not_notify(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    await client.put(f"/messages/{cid}/read", headers=bob.headers)
    await client.post(
        f"/messages/{cid}/mute", json={"muted": True, "duration": "1h"}, headers=bob.headers
    )
    await outbox.messages()
    before = len(await outbox.messages(to=bob.email, template="new_message"))

    await client.post(f"/messages/{cid}", json={"content": "muted?"}, headers=ann.headers)

    assert len(await outbox.messages(to=bob.email, template="new_message")) == before
    conv = data(await client.get(f"/conversations/{cid}", headers=bob.headers))
    assert conv["unread_count"] == 1


async def test_sending_is_rate_limited(client, outbox, settings):
    ann, _bob, cid = await _pair(client, outbox)
    limit = settings.messaging.send_limit
    statuses = []
    for n in range(limit + 1):
        response = await client.post(
            f"/messages/{cid}", json={"content": f"{n}"}, headers=ann.headers
        )
        statuses.append(response.status_code)
    assert statuses[: limit - 1] == [201] * (limit - 1)  # "first" used one
    assert statuses[-1] == 429
    assert int(response.headers["Retry-After"]) >= 1


async def test_a_client_id_makes_retries_safe(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    body = {"content": "only once", "client_id": "tmp-123"}
    first = data(await client.post(f"/messages/{cid}", json=body, headers=ann.headers))
    second = data(await client.post(f"/messages/{cid}", json=body, headers=ann.headers))
    assert first["id"] == second["id"]
    assert first["client_id"] == "tmp-123"
    items = data(await client.get(f"/messages/{cid}", headers=bob.headers))["items"]
    assert [m["content"] for m in items].count("only once") == 1


async def test_the_same_client_id_in_another_conversation_is_another_message(client, outbox):
    ann, bob, with_bob = await _pair(client, outbox)
    cara = await register(client, outbox, first_name="Cara")
    with_cara = data(
        await client.post(
            "/messages/start", json={"recipient_id": cara.id, "content": "hi"}, headers=ann.headers
        )
    )["conversation_id"]
    body = {"content": "see you at 6", "client_id": "tmp-1"}

    to_bob = await client.post(f"/messages/{with_bob}", json=body, headers=ann.headers)
    to_cara = await client.post(
        f"/messages/{with_cara}", json={**body, "content": "lunch?"}, headers=ann.headers
    )
    to_cara_again = await client.post(
        f"/messages/{with_cara}", json={**body, "content": "lunch?"}, headers=ann.headers
    )

    assert to_bob.status_code == 201
    assert to_cara.status_code == 201, to_cara.text
    assert data(to_cara)["id"] != data(to_bob)["id"]
    assert data(to_cara)["conversation_id"] == with_cara
    assert data(to_cara)["content"] == "lunch?"
    assert data(to_cara_again)["id"] == data(to_cara)["id"]
    caras = data(await client.get(f"/messages/{with_cara}", headers=cara.headers))["items"]
    assert [m["content"] for m in caras] == ["lunch?", "hi"]
    bobs = data(await client.get(f"/messages/{with_bob}", headers=bob.headers))["items"]
    assert [m["content"] for m in bobs] == ["see you at 6", "first"]
    # Another sender may use the same client id too.
    bobs_own = await client.post(f"/messages/{with_bob}", json=body, headers=bob.headers)
    assert data(bobs_own)["sender_id"] == bob.id
    assert data(bobs_own)["id"] != data(to_bob)["id"]


async def test_offline_notifications_come_from_an_actor_that_is_safe_to_run_twice(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    assert len(await outbox.messages(to=bob.email, template="new_message")) == 1
    first = data(await client.get(f"/messages/{cid}", headers=ann.headers))["items"][0]

    # The cooldown window has passed and the actor runs again for the same message (a
    # redelivered task): nothing more is sent.
    await runtime.get().redis.delete(redis_key("msg", "notified", bob.id, cid))
    await run_now(tasks.notify_offline, first["id"])
    await run_now(tasks.notify_offline, first["id"])

    assert len(await outbox.messages(to=bob.email, template="new_message")) == 1
    listed = data(await client.get("/notifications?type=message", headers=bob.headers))
    assert listed["pagination"]["total_items"] == 1
    assert listed["items"][0]["data"]["message_id"] == first["id"]


async def test_the_offline_actor_rereads_the_message(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    await outbox.messages()  # the notification of "first" is sent
    gone = data(await client.post(f"/messages/{cid}", json={"content": "x"}, headers=ann.headers))
    await client.delete(f"/messages/{cid}/messages/{gone['id']}", headers=ann.headers)
    await client.put(f"/messages/{cid}/read", headers=bob.headers)  # also ends the cooldown
    before = len(await outbox.messages(to=bob.email, template="new_message"))

    # Deleted meanwhile, or unknown: nobody is told, nothing fails.
    await run_now(tasks.notify_offline, gone["id"])
    await run_now(tasks.notify_offline, "65f0000000000000000000ff")

    assert len(await outbox.messages(to=bob.email, template="new_message")) == before == 1


async def test_an_event_invitation_does_not_carry_the_senders_event_title(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    response = await client.post(
        f"/messages/{cid}",
        json={
            "message_type": "event_invitation",
            "event_id": "65f0000000000000000000ee",
            "event_title": "URGENT: pay the deposit now",
        },
        headers=ann.headers,
    )
    assert response.status_code == 201, response.text
    assert data(response)["event"] == {"id": "65f0000000000000000000ee", "title": None}
    seen = data(await client.get(f"/messages/{cid}", headers=bob.headers))["items"][0]
    assert seen["event"]["title"] is None
    assert "URGENT" not in str(seen)
