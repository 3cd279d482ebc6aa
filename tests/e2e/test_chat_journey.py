"""Journey: two people chat in real time (a photo included), one goes offline and is
notified, a group forms, a stranger stays out (seed 003 module 11, seed 002 Task 9, seed
004 section 5)."""

from __future__ import annotations

import httpx

from tests.modules.media import samples
from tests.support import SocketUser, data, make_provider, register


async def test_chat_journey(live_server, live_client, outbox):
    http = live_client
    tourist = await register(http, outbox, first_name="Tina")
    guide = await make_provider(http, outbox, first_name="Gabriel")
    tour = await http.post(
        "/user-services",
        json={"title": "Kilimanjaro day trip", "description": "Moshi and back", "price": "90000"},
        headers=guide.headers,
    )
    assert tour.status_code == 201, tour.text
    tour_id = data(tour)["id"]
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
                "context": {"type": "service", "id": tour_id},
            },
            headers=tourist.headers,
        )
        assert started.status_code == 201
        assert data(started)["conversation"]["context"]["title"] == "Kilimanjaro day trip"
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

        # Gabriel sends the meeting point as a photo in the seed 003 multipart form; Tina
        # gets it live with a link she can open (signed: the file is private).
        photo = await http.post(
            f"/messages/{cid}",
            headers=guide.headers,
            files=[
                ("content", (None, "We meet here")),
                ("attachments", ("meeting-point.jpg", samples.jpeg((1200, 900)), "image/jpeg")),
            ],
        )
        assert photo.status_code == 201, photo.text
        shown = (await tina.next("new_message"))["attachments"][0]
        assert shown["type"] == "image"
        assert shown["dimensions"] == {"width": 1200, "height": 900}
        image = await http.get(live_server + httpx.URL(shown["url"]).raw_path.decode())
        assert image.headers["content-type"] == "image/jpeg"
        await tina.call("mark_read", {"conversation_id": cid})
        await gabe.next("messages_read")

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
            "We meet here",
            "Yes! 2 seats left.",
            "Is the Kilimanjaro day trip available on Saturday?",
        ]
        await http.put(f"/messages/{cid}/read", headers=guide.headers)
        assert data(await http.get("/messages/unread-count", headers=guide.headers)) == {
            "unread_count": 0,
            "unread": 0,
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

        # Tina makes Gabriel an admin of the group; he can rename it.
        promoted = await http.patch(
            f"/conversations/{gid}/participants/{guide.id}",
            json={"role": "admin"},
            headers=tourist.headers,
        )
        assert promoted.status_code == 200, promoted.text
        assert (await tina.next("conversation_updated"))["conversation_id"] == gid
        renamed = await http.patch(
            f"/conversations/{gid}", json={"title": "Kili Saturday"}, headers=guide.headers
        )
        assert data(renamed)["title"] == "Kili Saturday"
    finally:
        for socket in (tina, gabe, sly):
            await socket.close()
