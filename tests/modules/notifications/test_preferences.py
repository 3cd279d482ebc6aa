"""Notification preferences (seed 003 12.5, 12.6, 19.2) and push devices (seed 004 8.1)."""

from __future__ import annotations

from tests.support import data, register


async def test_defaults(client, outbox):
    user = await register(client, outbox)

    prefs = data(await client.get("/notifications/preferences", headers=user.headers))

    assert prefs["email"]["enabled"] is True
    assert prefs["email"]["messages"] is True
    assert prefs["email"]["marketing"] is False
    assert prefs["email"]["digest"] == "off"
    assert prefs["push"]["enabled"] is True
    assert prefs["sms"]["payments"] is True
    assert prefs["sms"]["messages"] is False
    assert prefs["whatsapp"]["enabled"] is False
    assert prefs["quiet_hours"] == {
        "enabled": False,
        "start": "22:00",
        "end": "07:00",
        "timezone": "Africa/Dar_es_Salaam",
    }


async def test_put_is_a_deep_merge(client, outbox):
    user = await register(client, outbox)
    await client.put(
        "/notifications/preferences",
        json={"email": {"messages": False, "digest": "weekly"}, "push": {"reviews": False}},
        headers=user.headers,
    )

    response = await client.put(
        "/notifications/preferences",
        json={"quiet_hours": {"enabled": True, "start": "21:00", "end": "08:00"}},
        headers=user.headers,
    )

    prefs = data(response)
    assert prefs["email"]["messages"] is False
    assert prefs["email"]["digest"] == "weekly"
    assert prefs["email"]["reviews"] is True
    assert prefs["push"]["reviews"] is False
    assert prefs["push"]["messages"] is True
    assert prefs["quiet_hours"] == {
        "enabled": True,
        "start": "21:00",
        "end": "08:00",
        "timezone": "Africa/Dar_es_Salaam",
    }
    assert data(await client.get("/notifications/preferences", headers=user.headers)) == prefs


async def test_seed_003_settings_form_and_aliases(client, outbox):
    user = await register(client, outbox)

    response = await client.put(
        "/settings/notifications",
        json={
            "email": {"enabled": True, "event_invitations": True, "marketing": False},
            "push": {"glows_and_echoes": False, "rsvp_updates": False},
            "sms": {"payment_confirmations": False},
            "quiet_hours": {"enabled": True, "start_time": "23:00", "end_time": "08:00"},
        },
        headers=user.headers,
    )

    assert response.status_code == 200
    assert response.json()["message"] == "Notification settings updated successfully"
    body = data(response)
    assert body["updated_at"] is not None
    prefs = body["notifications"]
    assert prefs["push"]["glows_and_echoes"] is False
    assert prefs["push"]["rsvp"] is False
    assert prefs["sms"]["payments"] is False
    assert prefs["quiet_hours"]["start"] == "23:00"
    shown = data(await client.get("/settings/notifications", headers=user.headers))
    assert shown["notifications"] == prefs


async def test_invalid_preferences_are_refused_field_by_field(client, outbox):
    user = await register(client, outbox)

    response = await client.put(
        "/notifications/preferences",
        json={
            "email": {"not_a_switch": True, "digest": "hourly"},
            "quiet_hours": {"start": "25:00", "timezone": "Mars/Olympus"},
        },
        headers=user.headers,
    )

    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {
        "email.not_a_switch",
        "email.digest",
        "quiet_hours.start",
        "quiet_hours.timezone",
    }
    unchanged = data(await client.get("/notifications/preferences", headers=user.headers))
    assert unchanged["quiet_hours"]["start"] == "22:00"


async def test_preferences_are_private(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    await client.put(
        "/notifications/preferences", json={"push": {"enabled": False}}, headers=ann.headers
    )
    assert data(await client.get("/notifications/preferences", headers=bob.headers))["push"][
        "enabled"
    ]
    assert (await client.get("/notifications/preferences")).status_code == 401


async def test_push_tokens_register_list_move_and_remove(client, outbox):
    ann = await register(client, outbox)
    bob = await register(client, outbox)
    token = "fcm:" + "t" * 60

    registered = await client.post(
        "/notifications/push-tokens",
        json={"token": token, "platform": "android", "device_id": "pixel", "app_version": "1.2.0"},
        headers=ann.headers,
    )
    assert registered.status_code == 201
    assert data(registered)["platform"] == "android"
    again = await client.post(
        "/notifications/push-tokens",
        json={"token": token, "platform": "android"},
        headers=ann.headers,
    )
    assert data(again)["id"] == data(registered)["id"]
    assert len(data(await client.get("/notifications/push-tokens", headers=ann.headers))) == 1

    # The device signs in to another account: the token moves.
    await client.post(
        "/notifications/push-tokens",
        json={"token": token, "platform": "android"},
        headers=bob.headers,
    )
    assert data(await client.get("/notifications/push-tokens", headers=ann.headers)) == []
    assert (
        await client.delete(f"/notifications/push-tokens/{token}", headers=ann.headers)
    ).status_code == 404
    removed = await client.delete(f"/notifications/push-tokens/{token}", headers=bob.headers)
    assert removed.status_code == 200
    assert data(await client.get("/notifications/push-tokens", headers=bob.headers)) == []

    bad = await client.post(
        "/notifications/push-tokens",
        json={"token": "short", "platform": "nokia"},
        headers=bob.headers,
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"token", "platform"}


async def test_an_account_keeps_its_ten_latest_devices(client, outbox):
    user = await register(client, outbox)
    for n in range(12):
        await client.post(
            "/notifications/push-tokens",
            json={"token": f"device-{n:02d}-" + "x" * 30, "platform": "ios"},
            headers=user.headers,
        )
    tokens = [
        d["token"]
        for d in data(await client.get("/notifications/push-tokens", headers=user.headers))
    ]
    assert len(tokens) == 10
    assert not any(t.startswith(("device-00", "device-01")) for t in tokens)
