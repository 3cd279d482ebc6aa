"""The in-app list: what a user sees, reads and deletes (seed 003 module 12, seed 001 5.11)."""

from __future__ import annotations

from typing import Any

import httpx

from kwika.modules.notifications import notify
from tests.support import Account, Outbox, data
from tests.support import register as register_account


async def register(client: httpx.AsyncClient, outbox: Outbox, **fields: Any) -> Account:
    """A new account with an empty inbox: the welcome notification every account gets at
    verification (tests/modules/identity) is deleted, as its owner may do."""
    account = await register_account(client, outbox, **fields)
    listed = data(await client.get("/notifications", headers=account.headers))
    assert [n["type"] for n in listed["items"]] == ["account_created"]
    for item in listed["items"]:
        deleted = await client.delete(f"/notifications/{item['id']}", headers=account.headers)
        assert deleted.status_code == 200
    return account


async def test_a_notification_appears_in_the_list_with_its_actor_and_reference(client, outbox):
    owner = await register(client, outbox)
    client_user = await register(client, outbox, first_name="Mary", last_name="Akinyi")
    await notify(
        owner.id,
        "booking_request",
        "New Booking Request",
        "You have a new booking request from Mary Akinyi",
        data={"booking_id": "b1", "client_name": "Mary Akinyi"},
        reference_id="65f000000000000000000001",
        reference_type="booking",
        actor_id=client_user.id,
        action_url="/bookings/65f000000000000000000001",
        action_text="View Request",
    )

    response = await client.get("/notifications", headers=owner.headers)

    assert response.status_code == 200
    page = data(response)
    assert page["summary"] == {"total": 1, "unread": 1}
    assert page["pagination"]["total_items"] == 1
    item = page["items"][0]
    assert item["type"] == "booking_request"
    assert item["title"] == "New Booking Request"
    assert item["reference_type"] == "booking"
    assert item["reference_id"] == "65f000000000000000000001"
    assert item["action_url"] == "/bookings/65f000000000000000000001"
    assert item["action_text"] == "View Request"
    assert item["data"]["client_name"] == "Mary Akinyi"
    assert item["actor"]["id"] == client_user.id
    assert item["actor"]["first_name"] == "Mary"
    assert item["is_read"] is False
    assert item["read_at"] is None
    assert item["created_at"].endswith("Z")


async def test_system_notifications_come_from_the_application(client, outbox):
    user = await register(client, outbox)
    await notify(user.id, "broadcast", "New features", "We have added new features")

    item = data(await client.get("/notifications", headers=user.headers))["items"][0]

    assert item["actor"]["is_system"] is True
    assert item["actor"]["first_name"] == "Kwika"


async def test_filters_pagination_and_summary(client, outbox):
    user = await register(client, outbox)
    for n in range(3):
        await notify(user.id, "follow", f"Follower {n}", "Someone followed you")
    await notify(user.id, "review", "New review", "5 stars")

    first = data(await client.get("/notifications?limit=2", headers=user.headers))
    assert [i["title"] for i in first["items"]] == ["New review", "Follower 2"]
    assert first["pagination"]["has_next"] is True
    assert first["summary"] == {"total": 4, "unread": 4}

    follows = data(await client.get("/notifications?type=follow", headers=user.headers))
    assert follows["pagination"]["total_items"] == 3
    assert follows["summary"]["total"] == 4

    review_id = first["items"][0]["id"]
    await client.patch(f"/notifications/{review_id}/read", headers=user.headers)
    unread = data(await client.get("/notifications?unread_only=true", headers=user.headers))
    assert [i["title"] for i in unread["items"]] == ["Follower 2", "Follower 1", "Follower 0"]
    assert unread["summary"] == {"total": 4, "unread": 3}

    bad = await client.get("/notifications?limit=500", headers=user.headers)
    assert bad.status_code == 400


async def test_mark_one_read_is_idempotent(client, outbox):
    user = await register(client, outbox)
    created = await notify(user.id, "follow", "New follower", "Ann followed you")
    assert created is not None

    first = await client.patch(f"/notifications/{created.id}/read", headers=user.headers)
    again = await client.patch(f"/notifications/{created.id}/read", headers=user.headers)

    assert first.status_code == 200
    assert data(first)["is_read"] is True
    assert data(again)["read_at"] == data(first)["read_at"]
    count = await client.get("/notifications/unread-count", headers=user.headers)
    assert data(count) == {"unread_count": 0, "unread": 0}


async def test_read_all_returns_the_count(client, outbox):
    user = await register(client, outbox)
    for _ in range(3):
        await notify(user.id, "comment", "New comment", "Nice post")

    response = await client.patch("/notifications/read-all", headers=user.headers)

    assert response.status_code == 200
    assert data(response) == {"marked_count": 3}
    again = await client.patch("/notifications/read-all", headers=user.headers)
    assert data(again) == {"marked_count": 0}


async def test_mark_read_with_a_list_of_ids(client, outbox):
    user = await register(client, outbox)
    other = await register(client, outbox)
    mine = [await notify(user.id, "glow", "Glow", "x") for _ in range(3)]
    theirs = await notify(other.id, "glow", "Glow", "x")
    assert all(mine)
    assert theirs

    response = await client.post(
        "/notifications/mark-read",
        json={"ids": [mine[0].id, mine[1].id, theirs.id]},
        headers=user.headers,
    )

    assert response.status_code == 200
    assert data(response) == {"marked_count": 2}
    other_view = data(await client.get("/notifications", headers=other.headers))
    assert other_view["summary"]["unread"] == 1

    camel = await client.post(
        "/notifications/mark-read", json={"notificationIds": [mine[2].id]}, headers=user.headers
    )
    assert data(camel) == {"marked_count": 1}

    malformed = await client.post(
        "/notifications/mark-read", json={"ids": ["nope"]}, headers=user.headers
    )
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["field"] == "ids.0"


async def test_mark_read_without_ids_marks_everything(client, outbox):
    user = await register(client, outbox)
    await notify(user.id, "glow", "Glow", "x")
    await notify(user.id, "echo", "Echo", "x")

    response = await client.post("/notifications/mark-read", json={}, headers=user.headers)

    assert data(response) == {"marked_count": 2}


async def test_a_user_cannot_see_or_change_another_users_notification(client, outbox):
    owner = await register(client, outbox)
    intruder = await register(client, outbox)
    created = await notify(owner.id, "payment", "Payment received", "TZS 10,000")
    assert created is not None

    assert data(await client.get("/notifications", headers=intruder.headers))["items"] == []
    read = await client.patch(f"/notifications/{created.id}/read", headers=intruder.headers)
    deleted = await client.delete(f"/notifications/{created.id}", headers=intruder.headers)
    malformed = await client.delete("/notifications/not-an-id", headers=intruder.headers)

    assert read.status_code == 404
    assert deleted.status_code == 404
    assert malformed.status_code == 404
    owner_view = data(await client.get("/notifications", headers=owner.headers))
    assert owner_view["summary"] == {"total": 1, "unread": 1}


async def test_delete_a_notification(client, outbox):
    user = await register(client, outbox)
    created = await notify(user.id, "mention", "Mentioned", "You were mentioned")
    assert created is not None

    response = await client.delete(f"/notifications/{created.id}", headers=user.headers)

    assert response.status_code == 200
    assert response.json()["message"] == "Notification deleted"
    assert data(await client.get("/notifications", headers=user.headers))["items"] == []
    again = await client.delete(f"/notifications/{created.id}", headers=user.headers)
    assert again.status_code == 404


async def test_the_list_needs_a_user_token(client):
    response = await client.get("/notifications")
    assert response.status_code == 401


async def test_notify_refuses_unknown_types_and_skips_missing_users(client, outbox):
    user = await register(client, outbox)
    try:
        await notify(user.id, "not_a_type", "x", "y")  # type: ignore[arg-type]
    except ValueError:
        pass
    else:
        raise AssertionError("unknown type accepted")
    assert await notify("65f000000000000000000009", "follow", "x", "y") is None
