"""Journey: a user sets up notifications (push device, channels, quiet hours), receives
them live and on the channels allowed, reads them, and unsubscribes from an email
category (seed 003 module 12 and 19.2, seed 001 2.5, seed 002 Tasks 14-15, seed 004 8)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from kwika.core import clock
from kwika.modules.notifications import notify
from kwika.modules.notifications.tasks import sweep_deliveries
from tests.support import SocketUser, data, register, run_now

DEVICE = "journey-device-" + "z" * 40


async def test_notifications_journey(live_server, live_client, outbox):
    http = live_client
    craftsman = await register(http, outbox, first_name="Karim")
    client_user = await register(http, outbox, first_name="Lina")
    assert (
        await http.post(
            "/notifications/push-tokens",
            json={"token": DEVICE, "platform": "android"},
            headers=craftsman.headers,
        )
    ).status_code == 201
    # Verifying his account welcomed him, in the app and by email (seed 002 Task 14).
    welcome = await outbox.last(channel="email", to=craftsman.email, template="welcome")
    assert welcome["subject"] == "Welcome to Kwika, Karim!"
    socket = await SocketUser().connect(live_server, craftsman.access_token)
    try:
        # Seed 001 2.5: a craftsman invited to a job is told in-app, by push and by email.
        await notify(
            craftsman.id,
            "job_invitation",
            "New job invitation",
            "Lina invited you to quote: Fix the kitchen sink",
            reference_id="65f0000000000000000000d1",
            reference_type="job",
            actor_id=client_user.id,
            action_url="/jobs/65f0000000000000000000d1",
        )
        live = await socket.next("notification")
        assert live["type"] == "job_invitation"
        assert live["actor"]["first_name"] == "Lina"
        assert (await outbox.last(channel="push", to=DEVICE))["subject"] == "New job invitation"
        assert (await outbox.last(channel="email", to=craftsman.email))["subject"] == (
            "New job invitation"
        )

        # He turns job emails off and sets quiet hours that cover now.
        local = clock.now().astimezone(ZoneInfo("Africa/Cairo"))
        settings = await http.put(
            "/settings/notifications",
            json={
                "email": {"jobs": False},
                "quiet_hours": {
                    "enabled": True,
                    "start_time": (local - timedelta(minutes=30)).strftime("%H:%M"),
                    "end_time": (local + timedelta(hours=1)).strftime("%H:%M"),
                    "timezone": "Africa/Cairo",
                },
            },
            headers=craftsman.headers,
        )
        assert settings.status_code == 200
        await notify(craftsman.id, "quote_received", "Quote accepted", "Lina accepted your quote")
        assert (await socket.next("notification"))["title"] == "Quote accepted"
        pushes = await outbox.messages(channel="push", to=DEVICE)
        assert [p["subject"] for p in pushes] == ["New job invitation"]  # held back
        emails = await outbox.messages(channel="email", to=craftsman.email)
        assert "Quote accepted" not in [e["subject"] for e in emails]  # switched off

        # Quiet hours end: the push goes out.
        clock.travel(timedelta(hours=1, minutes=5))
        await run_now(sweep_deliveries)
        pushes = await outbox.messages(channel="push", to=DEVICE)
        assert [p["subject"] for p in pushes] == ["New job invitation", "Quote accepted"]

        # He reads his notifications.
        inbox = data(await http.get("/notifications", headers=craftsman.headers))
        assert [n["type"] for n in inbox["items"]] == [
            "quote_received",
            "job_invitation",
            "account_created",
        ]
        assert inbox["summary"] == {"total": 3, "unread": 3}
        first_id = inbox["items"][-1]["id"]
        await http.patch(f"/notifications/{first_id}/read", headers=craftsman.headers)
        assert (await socket.next("notifications_read"))["unread"] == 2
        marked = await http.patch("/notifications/read-all", headers=craftsman.headers)
        assert data(marked) == {"marked_count": 2}

        # A marketing email carries a one-click unsubscribe that works without signing in.
        await http.put(
            "/notifications/preferences",
            json={"email": {"marketing": True}, "quiet_hours": {"enabled": False}},
            headers=craftsman.headers,
        )
        await notify(craftsman.id, "broadcast", "Ramadan offers", "Discounts on services")
        promo = await outbox.last(channel="email", to=craftsman.email, subject="Ramadan offers")
        link = next(w for w in promo["body"].split() if "unsubscribe?token=" in w)
        assert (await http.post(link.split("/api/v1", 1)[1])).status_code == 200
        prefs = data(await http.get("/notifications/preferences", headers=craftsman.headers))
        assert prefs["email"]["marketing"] is False
    finally:
        await socket.close()
