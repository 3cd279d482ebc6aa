"""A notification exists only if what caused it happened: ``notify()`` inside a request (or
a Socket.IO event) stores the in-app item, emits it live and releases its deliveries once
the request has succeeded; outside one, at once."""

from __future__ import annotations

import pytest
from bson import ObjectId

from kwika.core.broker import drain
from kwika.modules.messaging.services import messages
from kwika.modules.notifications import notify
from kwika.modules.notifications.documents import Delivery, Notification
from tests.support import SocketUser, data, register


async def _conversation(client, outbox):
    ann = await register(client, outbox, first_name="Ann")
    bob = await register(client, outbox, first_name="Bob")
    started = await client.post(
        "/messages/start", json={"recipient_id": bob.id, "content": "hi"}, headers=ann.headers
    )
    assert started.status_code == 201, started.text
    await drain()  # Bob, offline, is notified of "hi" (messaging's actor)
    await client.put(f"/messages/{data(started)['conversation_id']}/read", headers=bob.headers)
    return ann, bob, data(started)["conversation_id"]


def _fail_after_notifying(monkeypatch: pytest.MonkeyPatch, user_id: str) -> None:
    """A send that calls notify() and then breaks (a stand-in for any request that notifies
    someone and fails in a later step)."""

    async def broken(*_: object, **__: object) -> None:
        await notify(user_id, "message", "New Message", "notified, then failed")
        raise RuntimeError("a later step failed")

    monkeypatch.setattr(messages, "_out", broken)


async def test_a_failed_request_leaves_no_notification(client, outbox, monkeypatch):
    ann, bob, cid = await _conversation(client, outbox)
    await drain()
    sent_before = len(await outbox.messages(to=bob.email))
    stored_before = await Notification.find(
        {"user_id": ObjectId(bob.id), "type": "message"}
    ).count()
    _fail_after_notifying(monkeypatch, bob.id)

    response = await client.post(f"/messages/{cid}", json={"content": "x"}, headers=ann.headers)

    assert response.status_code == 500
    await drain()
    inbox = data(await client.get("/notifications?type=message", headers=bob.headers))
    assert len(inbox["items"]) == stored_before == 1  # the first message's, from before
    assert len(await outbox.messages(to=bob.email)) == sent_before
    # Its deliveries stay drafts nobody sends (the sweeper deletes them after a day).
    assert {d.status for d in await Delivery.find({"user_id": ObjectId(bob.id)}).to_list()} <= {
        "draft",
        "sent",
    }


async def test_a_successful_request_notifies_once_it_has_succeeded(client, outbox):
    ann, bob, cid = await _conversation(client, outbox)

    response = await client.post(f"/messages/{cid}", json={"content": "x"}, headers=ann.headers)

    assert response.status_code == 201
    await drain()
    inbox = data(await client.get("/notifications?type=message", headers=bob.headers))
    assert [n["title"] for n in inbox["items"]] == ["New Message", "New Message"]
    assert (await outbox.last(channel="email", to=bob.email))["template"] == "new_message"


async def test_outside_a_request_notify_happens_at_once(client, outbox):
    user = await register(client, outbox)

    created = await notify(user.id, "follow", "New follower", "Ann followed you")

    assert created is not None
    stored = await Notification.get(created.id)
    assert stored is not None
    assert stored.channels == ["email"]


async def test_a_failed_socket_event_emits_and_keeps_nothing(
    live_server, live_client, outbox, monkeypatch
):
    ann, bob, cid = await _conversation(live_client, outbox)
    bob_phone = SocketUser()
    ann_socket = SocketUser()
    await bob_phone.connect(live_server, bob.access_token)
    await ann_socket.connect(live_server, ann.access_token)
    try:
        _fail_after_notifying(monkeypatch, bob.id)

        over_socket = await ann_socket.call(
            "send_message", {"conversation_id": cid, "content": "x"}
        )
        over_rest = await live_client.post(
            f"/messages/{cid}", json={"content": "y"}, headers=ann.headers
        )

        assert over_socket["code"] == "INTERNAL_ERROR"
        assert over_rest.status_code == 500
        # Events reach a connection in order: the barrier is the first notification.
        await notify(bob.id, "system", "Barrier", "after the failed sends")
        assert (await bob_phone.next("notification"))["title"] == "Barrier"
        inbox = data(await live_client.get("/notifications", headers=bob.headers))
        assert [n["title"] for n in inbox["items"]] == [
            "Barrier",
            "New Message",
            "Welcome to Kwika",  # from his sign-up
        ]
    finally:
        await bob_phone.close()
        await ann_socket.close()
