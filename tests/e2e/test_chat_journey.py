"""Journey: two people chat in real time, one goes offline and is notified, a group forms,
a stranger stays out (seed 003 module 11, seed 002 Task 9, seed 004 section 5)."""

from __future__ import annotations

from tests.support import SocketUser, data, register


async def test_chat_journey(live_server, live_client, outbox):
    http = live_client
    tourist = await register(http, outbox, first_name="Tina")
    guide = await register(http, outbox, first_name="Gabriel")
    stranger = await register(http, outbox, first_name="Sly")
    tina = await SocketUser().connect(live_server, tourist.access_token)
    gabe = await SocketUser().connect(live_server, guide.access_token)
    sly = await SocketUser().connect(live_server, stranger.access_token)
    try:
        # Tina asks about a tour from its page: a conversation about that service.
        started = await http.post(
            "/messages/start",
            json={
                "recipient_id": guide.id,
                "content": "Is the Kilimanjaro day trip available on Saturday?",
                "context": {
                    "type": "service",
                    "id": "65f0000000000000000000c1",
                    "title": "Day trip",
                },
            },
            headers=tourist.headers,
        )
        assert started.status_code == 201
        cid = data(started)["conversation_id"]
        first = await gabe.next("new_message")
        assert first["content"].startswith("Is the Kilimanjaro")
        assert (await tina.next("new_message"))["is_mine"] is True  # her other devices

        # Gabriel types and answers over the socket; Tina sees both live.
        await gabe.call("typing", {"conversation_id": cid})
        assert (await tina.next("user_typing"))["user_id"] == guide.id
        await gabe.call("stop_typing", {"conversation_id": cid})
        await tina.next("user_typing")
        answer = await gabe.call(
            "send_message",
            {"conversation_id": cid, "content": "Yes! 2 seats left.", "reply_to": first["id"]},
        )
        assert answer["success"] is True
        await gabe.next("message_sent")
        got = await tina.next("new_message")
        assert got["reply_to"]["id"] == first["id"]

        # Read receipts both ways.
        await tina.call("mark_read", {"conversation_id": cid})
        receipt = await gabe.next("messages_read")
        assert receipt["user_id"] == tourist.id
        assert receipt["message_ids"] == [got["id"]]
        await gabe.call("messages_read", {"conversation_id": cid})
        assert (await tina.next("messages_read"))["user_id"] == tourist.id  # her own
        assert (await tina.next("messages_read"))["user_id"] == guide.id

        # The stranger sees nothing and cannot get in.
        refused = await sly.call("send_message", {"conversation_id": cid, "content": "hi"})
        assert refused["code"] == "NOT_FOUND"
        assert (await http.get(f"/messages/{cid}", headers=stranger.headers)).status_code == 404
        assert sly.pending("new_message") == []

        # Gabriel goes offline; Tina's next message becomes a notification for him.
        await gabe.close()
        await tina.call("send_message", {"conversation_id": cid, "content": "Booking now!"})
        email = await outbox.last(to=guide.email, template="new_message")
        assert email["subject"] == "Tina User sent you a message"
        inbox = data(await http.get("/notifications?unread_only=true", headers=guide.headers))
        assert inbox["items"][0]["type"] == "message"
        assert inbox["items"][0]["reference_id"] == cid

        # Back online, he sees the unread count, the history, and reads it.
        listed = data(await http.get("/messages/conversations", headers=guide.headers))
        assert listed["items"][0]["unread_count"] == 1
        assert listed["items"][0]["participant"]["is_online"] is True  # Tina is connected
        assert listed["items"][0]["type"] == "user_to_service"
        history = data(await http.get(f"/messages/{cid}", headers=guide.headers))
        assert [m["content"] for m in history["items"]] == [
            "Booking now!",
            "Yes! 2 seats left.",
            "Is the Kilimanjaro day trip available on Saturday?",
        ]
        await http.put(f"/messages/{cid}/read", headers=guide.headers)
        assert data(await http.get("/messages/unread-count", headers=guide.headers)) == {
            "unread_count": 0,
            "conversations": 0,
        }

        # A group for the trip: everyone in it hears the system message and the chat.
        group = await http.post(
            "/conversations",
            json={"type": "group", "participant_ids": [guide.id], "title": "Saturday trip"},
            headers=tourist.headers,
        )
        gid = data(group)["conversation_id"]
        created = await tina.next("new_message")
        assert created["message_type"] == "system"
        await http.post(
            f"/conversations/{gid}/messages",
            json={"content": "See you at 6"},
            headers=tourist.headers,
        )
        assert (await tina.next("new_message"))["is_mine"] is True
    finally:
        for socket in (tina, gabe, sly):
            await socket.close()
