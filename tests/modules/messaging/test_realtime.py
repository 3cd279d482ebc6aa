"""Real time through a real Socket.IO client against the app served by uvicorn: connect
authentication, chat with typing and read receipts, REST messages delivered live,
notifications live, offline recipients notified, strangers kept out."""

from __future__ import annotations

import httpx
import pytest
import socketio
from bson import ObjectId

from kwika.core import runtime
from kwika.modules.notifications import notify
from tests.support import SocketUser, bearer, data, register


@pytest.fixture
async def sockets():
    opened: list[SocketUser] = []

    async def open_socket(base_url: str, token: str | None = None, **kw) -> SocketUser:
        user = SocketUser()
        opened.append(user)
        return await user.connect(base_url, token, **kw)

    yield open_socket
    for user in opened:
        await user.close()


async def _chat(live_client, outbox):
    ann = await register(live_client, outbox, first_name="Ann")
    bob = await register(live_client, outbox, first_name="Bob")
    started = await live_client.post(
        "/messages/start", json={"recipient_id": bob.id, "content": "hi"}, headers=ann.headers
    )
    assert started.status_code == 201, started.text
    return ann, bob, data(started)["conversation_id"]


async def test_connect_needs_a_valid_user_token(live_server, live_client, outbox, sockets):
    user = await register(live_client, outbox)

    with pytest.raises(socketio.exceptions.ConnectionError):
        await sockets(live_server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await sockets(live_server, "not-a-jwt")
    staff = runtime.get().tokens.issue("staff", ObjectId(), ObjectId(), "admin")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await sockets(live_server, staff.token)

    by_auth = await sockets(live_server, user.access_token)
    by_header = await sockets(live_server, headers=bearer(user.access_token))
    by_polling = await sockets(live_server, user.access_token, transports=["polling"])
    assert by_auth.sio.connected
    assert by_header.sio.connected
    assert by_polling.sio.connected


async def test_two_users_chat_with_typing_and_read_receipts(
    live_server, live_client, outbox, sockets
):
    ann, bob, cid = await _chat(live_client, outbox)
    ann_socket = await sockets(live_server, ann.access_token)
    bob_socket = await sockets(live_server, bob.access_token)

    # Bob types, then stops.
    await bob_socket.call("typing", {"conversation_id": cid})
    typing = await ann_socket.next("user_typing")
    assert typing == {"conversation_id": cid, "user_id": bob.id, "is_typing": True}
    await bob_socket.call("stop_typing", {"conversation_id": cid})
    assert (await ann_socket.next("user_typing"))["is_typing"] is False

    # Bob sends over the socket: an acknowledgement and message_sent for him, new_message
    # for Ann.
    ack = await bob_socket.call(
        "send_message", {"conversation_id": cid, "content": "Hello Ann", "client_id": "c1"}
    )
    assert ack["success"] is True
    sent = await bob_socket.next("message_sent")
    assert sent["id"] == ack["data"]["id"]
    assert sent["client_id"] == "c1"
    received = await ann_socket.next("new_message")
    assert received["id"] == sent["id"]
    assert received["conversation_id"] == cid
    assert received["sender_id"] == bob.id
    assert received["content"] == "Hello Ann"
    assert received["created_at"].endswith("Z")
    assert received["is_mine"] is False

    # Ann reads: Bob sees the receipt.
    read = await ann_socket.call("mark_read", {"conversation_id": cid})
    assert read["data"]["marked_count"] == 1
    receipt = await bob_socket.next("messages_read")
    assert receipt["conversation_id"] == cid
    assert receipt["user_id"] == ann.id
    assert receipt["message_ids"] == [sent["id"]]
    # Ann's own devices hear about it too (to update their unread badges).
    assert (await ann_socket.next("messages_read"))["user_id"] == ann.id

    # Bob reads Ann's first message over REST: Ann sees that receipt live too.
    await live_client.put(f"/messages/{cid}/read", headers=bob.headers)
    assert (await ann_socket.next("messages_read"))["user_id"] == bob.id

    # Both were online: no "new message" notification for Ann.
    await outbox.messages()  # the notification actor has run
    notifications = data(await live_client.get("/notifications?type=message", headers=ann.headers))
    assert notifications["items"] == []


async def test_a_message_sent_over_rest_is_delivered_live(
    live_server, live_client, outbox, sockets
):
    ann, bob, cid = await _chat(live_client, outbox)
    bob_socket = await sockets(live_server, bob.access_token)
    ann_phone = await sockets(live_server, ann.access_token)

    response = await live_client.post(
        f"/messages/{cid}", json={"content": "via REST"}, headers=ann.headers
    )

    message = await bob_socket.next("new_message")
    assert message["id"] == data(response)["id"]
    assert message["content"] == "via REST"
    # The sender's other devices stay in sync.
    mine = await ann_phone.next("new_message")
    assert mine["is_mine"] is True


async def test_a_third_user_cannot_read_or_join_their_conversation(
    live_server, live_client, outbox, sockets
):
    ann, bob, cid = await _chat(live_client, outbox)
    eve = await register(live_client, outbox, first_name="Eve")
    eve_socket = await sockets(live_server, eve.access_token)
    bob_socket = await sockets(live_server, bob.access_token)

    refused = await eve_socket.call("send_message", {"conversation_id": cid, "content": "hi"})
    typing = await eve_socket.call("typing", {"conversation_id": cid})
    reading = await eve_socket.call("mark_read", {"conversation_id": cid})
    assert refused["success"] is False
    assert refused["code"] == "NOT_FOUND"
    assert typing["code"] == "NOT_FOUND"
    assert reading["code"] == "NOT_FOUND"

    await live_client.post(f"/messages/{cid}", json={"content": "private"}, headers=ann.headers)
    assert (await bob_socket.next("new_message"))["content"] == "private"
    # A notification emitted to Eve after Ann's message arrives after it would have.
    await notify(eve.id, "system", "Ping", "ordering barrier")
    assert (await eve_socket.next("notification"))["title"] == "Ping"
    assert eve_socket.pending("new_message") == []
    assert eve_socket.pending("user_typing") == []
    history = await live_client.get(f"/messages/{cid}", headers=eve.headers)
    assert history.status_code == 404


async def test_an_offline_recipient_gets_a_notification_delivered(
    live_server, live_client, outbox, sockets
):
    ann = await register(live_client, outbox, first_name="Ann")
    bob = await register(live_client, outbox, first_name="Bob")
    push_token = "bob-phone-" + "x" * 40
    await live_client.post(
        "/notifications/push-tokens",
        json={"token": push_token, "platform": "ios"},
        headers=bob.headers,
    )
    ann_socket = await sockets(live_server, ann.access_token)

    ack = await ann_socket.call("send_message", {"receiver_id": bob.id, "content": "Call me"})
    assert ack["success"] is True
    cid = ack["data"]["conversation_id"]

    push = await outbox.last(channel="push", to=push_token)
    assert push["subject"] == "New Message"
    assert push["body"] == "Ann User sent you a message"
    assert push["data"]["conversation_id"] == cid
    email = await outbox.last(channel="email", to=bob.email, template="new_message")
    assert "Call me" in email["body"]

    # Once Bob is online, the live event is enough: no further notification.
    bob_socket = await sockets(live_server, bob.access_token)
    await live_client.put(f"/messages/{cid}/read", headers=bob.headers)
    await ann_socket.call("send_message", {"conversation_id": cid, "content": "Seen?"})
    assert (await bob_socket.next("new_message"))["content"] == "Seen?"
    assert len(await outbox.messages(channel="push", to=push_token)) == 1


async def test_notifications_arrive_live(live_server, live_client, outbox, sockets):
    user = await register(live_client, outbox)
    first = await sockets(live_server, user.access_token)
    second = await sockets(live_server, user.access_token)

    await notify(user.id, "quote_received", "New quote", "A craftsman quoted EGP 500")

    for device in (first, second):
        event = await device.next("notification")
        assert event["type"] == "quote_received"
        assert event["title"] == "New quote"
        assert event["is_read"] is False
    await live_client.patch("/notifications/read-all", headers=user.headers)
    assert (await first.next("notifications_read"))["unread"] == 0


async def test_a_revoked_session_is_disconnected_and_tokens_can_be_refreshed(
    live_server, live_client, outbox, sockets
):
    from kwika.core import realtime

    user = await register(live_client, outbox)
    other = await register(live_client, outbox)
    socket = await sockets(live_server, user.access_token)

    wrong_user = await socket.call("authenticate", {"token": other.access_token})
    assert wrong_user["code"] == "WRONG_USER"
    fresh = await live_client.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert fresh.status_code == 200, fresh.text
    renewed = await socket.call("authenticate", {"token": data(fresh)["access_token"]})
    assert renewed["success"] is True

    await live_client.post("/auth/logout", headers=bearer(data(fresh)["access_token"]), json={})
    assert realtime._gateway is not None
    await realtime._gateway.refresh()

    expired = await socket.next("session_expired")
    assert expired["success"] is False
    await socket.disconnected()
    assert not socket.sio.connected


async def test_a_process_without_a_server_emits_through_redis(
    live_server, live_client, outbox, sockets, monkeypatch
):
    """Worker processes have no Socket.IO server: their events go through a write-only
    manager on the Redis channel, and the API process delivers them."""
    from kwika.core import realtime

    user = await register(live_client, outbox)
    socket = await sockets(live_server, user.access_token)
    monkeypatch.setattr(realtime, "_gateway", None)  # as in a worker process

    await realtime.emit_to_user(user.id, "notification", {"title": "from a worker"})

    assert (await socket.next("notification")) == {"title": "from a worker"}


async def test_attachments_sent_over_the_socket_arrive_with_their_links(
    live_server, live_client, outbox, sockets
):
    from tests.modules.media import samples

    ann, bob, cid = await _chat(live_client, outbox)
    uploaded = await live_client.post(
        "/uploads/direct",
        headers=ann.headers,
        files={"file": ("plan.pdf", samples.PDF, "application/pdf")},
        data={"context": "message_attachment"},
    )
    bobs = await live_client.post(
        "/uploads/direct",
        headers=bob.headers,
        files={"file": ("his.pdf", samples.PDF, "application/pdf")},
        data={"context": "message_attachment"},
    )
    ann_socket = await sockets(live_server, ann.access_token)
    bob_socket = await sockets(live_server, bob.access_token)

    refused = await ann_socket.call(
        "send_message", {"conversation_id": cid, "attachments": [data(bobs)["id"]]}
    )
    ack = await ann_socket.call(
        "send_message",
        {"conversation_id": cid, "content": "the plan", "attachments": [data(uploaded)["id"]]},
    )

    assert refused["code"] == "NOT_FOUND"
    assert ack["success"] is True, ack
    received = await bob_socket.next("new_message")
    assert received["id"] == ack["data"]["id"]
    [attachment] = received["attachments"]
    assert attachment["id"] == data(uploaded)["id"]
    assert attachment["name"] == "plan.pdf"
    assert attachment["mime_type"] == "application/pdf"
    # Links are built on the public base URL: fetch the same path from the live server.
    link = httpx.URL(attachment["url"])
    downloaded = await live_client.get(live_server + link.raw_path.decode())
    assert downloaded.content == samples.PDF
    assert bob_socket.pending("new_message") == []
