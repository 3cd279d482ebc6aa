"""Erasing an account (identity.user_anonymised): the person's inbox, preferences, push
devices and unsent deliveries go, sent deliveries keep no address or text, and what others
were told about the person goes with its unsent deliveries."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bson import ObjectId

from kwika.core import clock
from kwika.core.broker import drain
from kwika.modules.notifications import notify
from kwika.modules.notifications.documents import (
    Delivery,
    Notification,
    NotificationPreferences,
    PushDevice,
)
from kwika.modules.notifications.erasure import erase_user
from kwika.modules.notifications.tasks import sweep_deliveries
from tests.support import erase_account, register, run_now


def quiet_now() -> dict:
    """Quiet hours around the current time of day (also 31 days later)."""
    zone = ZoneInfo("Africa/Dar_es_Salaam")
    local = clock.now().astimezone(zone)
    start = (local - timedelta(hours=1)).strftime("%H:%M")
    end = (local + timedelta(hours=2)).strftime("%H:%M")
    return {"quiet_hours": {"enabled": True, "start": start, "end": end, "timezone": str(zone)}}


async def _device(client, account, token):
    response = await client.post(
        "/notifications/push-tokens",
        json={"token": token, "platform": "android"},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text


async def test_erasure_removes_the_inbox_and_what_others_were_told(client, outbox):
    ann = await register(client, outbox, first_name="Annabel")
    bob = await register(client, outbox, first_name="Bob")
    ann_id, bob_id = ObjectId(ann.id), ObjectId(bob.id)
    await _device(client, ann, "ann-phone-" + "a" * 30)
    await _device(client, bob, "bob-phone-" + "b" * 30)
    await client.put("/notifications/preferences", json=quiet_now(), headers=ann.headers)
    await notify(ann.id, "follow", "New follower", "Bob followed you", actor_id=bob.id)
    await notify(ann.id, "security", "New sign-in", "A new device signed in")
    await drain()

    await client.put("/notifications/preferences", json=quiet_now(), headers=bob.headers)

    await erase_account(client, ann)
    # Bob hears about Ann just before the erasure runs again (a retried erasure): his
    # quiet hours hold the push.
    about_ann = await notify(
        bob.id, "message", "New Message", "Annabel sent you a message", actor_id=ann.id
    )
    assert about_ann is not None
    await erase_user(ann_id)

    assert await Notification.find({"user_id": ann_id}).count() == 0
    assert await NotificationPreferences.find({"user_id": ann_id}).count() == 0
    assert await PushDevice.find({"user_id": ann_id}).count() == 0
    deliveries = await Delivery.find({"user_id": ann_id}).to_list()
    assert deliveries, "the sent security email stays, as a record without content"
    for delivery in deliveries:
        assert delivery.status not in ("draft", "pending", "held")
        assert (delivery.to, delivery.body, delivery.data) == ("[erased]", "[erased]", {})
        assert delivery.dedupe_key is None
    # Bob's notification about Ann is gone, and its held push never goes out.
    assert await Notification.get(about_ann.id) is None
    assert await Delivery.find({"notification_id": ObjectId(about_ann.id)}).count() == 0
    clock.travel(timedelta(hours=3))  # past the quiet hours: the sweeper releases held ones
    await run_now(sweep_deliveries)
    await drain()
    assert not [
        m for m in await outbox.messages(to="bob-phone-" + "b" * 30) if "Annabel" in m["body"]
    ]
    # Bob's own preferences and devices are untouched.
    assert await PushDevice.find({"user_id": bob_id}).count() == 1
    assert await NotificationPreferences.find({"user_id": bob_id}).count() == 1

    await erase_user(ann_id)  # again: nothing left to do, nothing fails
