"""Delivering notifications on the channels a user allows (seed 003 12.5/12.6, seed 002
Tasks 14-15, seed 004 8.1): preferences, quiet hours, at-most-once, email templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kwika.core import clock, runtime
from kwika.core.broker import drain, enqueue
from kwika.integrations.base import DeliveryError
from kwika.modules.notifications import notify, send_direct
from kwika.modules.notifications.documents import Delivery, PushDevice
from kwika.modules.notifications.tasks import (
    MAX_ATTEMPTS,
    RetryDelivery,
    deliver,
    deliver_email,
    sweep_deliveries,
)
from tests.support import data, register, run_now

TOKEN = "fcm-token-" + "a" * 40


async def _verify_phone(client, outbox, account) -> None:
    sent = await client.post(
        "/users/request-otp", json={"user_id": account.id, "verification_type": "phone"}
    )
    assert sent.status_code == 200, sent.text
    code = await outbox.code(account.phone, "verify_code")
    verified = await client.post(
        "/users/verify-otp",
        json={"user_id": account.id, "verification_type": "phone", "otp_code": code},
    )
    assert verified.status_code == 200, verified.text


async def _push_device(client, account, token: str = TOKEN) -> None:
    response = await client.post(
        "/notifications/push-tokens",
        json={"token": token, "platform": "android", "device_id": "pixel-7"},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text


async def test_a_notification_goes_by_email_and_push_by_default(client, outbox):
    user = await register(client, outbox)
    await _push_device(client, user)

    await notify(
        user.id,
        "job_invitation",
        "You are invited to a job",
        "Ahmed invited you to quote for: Fix the kitchen sink",
        action_url="/jobs/123",
    )

    email = await outbox.last(channel="email", to=user.email, template="notification")
    assert email["subject"] == "You are invited to a job"
    assert "Fix the kitchen sink" in email["body"]
    assert "https://app.kwika.test/jobs/123" in email["body"]
    assert "/api/v1/notifications/unsubscribe?token=" in email["body"]
    push = await outbox.last(channel="push", to=TOKEN)
    assert push["subject"] == "You are invited to a job"
    assert push["body"] == "Ahmed invited you to quote for: Fix the kitchen sink"
    assert push["data"]["type"] == "job_invitation"
    assert push["data"]["action_url"] == "/jobs/123"
    stored = await Delivery.find({"user_id": {"$exists": True}, "channel": "push"}).to_list()
    assert [d.status for d in stored] == ["sent"]


async def test_sms_goes_only_for_critical_categories_by_default(client, outbox):
    user = await register(client, outbox, email=None, phone="+255712345678")

    await notify(user.id, "follow", "New follower", "Ann followed you")
    await notify(user.id, "payment", "Payment received", "TZS 10,000 received")

    sms = await outbox.messages(channel="sms", to="+255712345678")
    assert [m["body"] for m in sms if m["template"] != "verify_code"] == [
        "Kwika: payment received. Thank you!"
    ]


async def test_preferences_switch_channels_and_types_off(client, outbox):
    user = await register(client, outbox)
    await _push_device(client, user)
    response = await client.put(
        "/notifications/preferences",
        json={"push": {"enabled": False}, "email": {"reviews": False}},
        headers=user.headers,
    )
    assert response.status_code == 200

    await notify(user.id, "review", "New review", "5 stars for your service")
    await notify(user.id, "booking_request", "New booking", "Mary wants to book you")

    emails = await outbox.messages(channel="email", to=user.email)
    assert [m["subject"] for m in emails if m["template"] not in ("verify_code", "welcome")] == [
        "New booking request"
    ]
    assert await outbox.messages(channel="push") == []
    # The in-app list still has both (after the welcome of the sign-up).
    listed = data(await client.get("/notifications", headers=user.headers))
    assert [n["type"] for n in listed["items"]] == ["booking_request", "review", "account_created"]


async def test_quiet_hours_hold_back_a_push_until_they_end(client, outbox):
    user = await register(client, outbox)
    await _push_device(client, user)
    zone = ZoneInfo("Africa/Nairobi")
    local_now = clock.now().astimezone(zone)
    start = (local_now - timedelta(hours=1)).strftime("%H:%M")
    end = (local_now + timedelta(hours=2)).strftime("%H:%M")
    await client.put(
        "/notifications/preferences",
        json={
            "quiet_hours": {"enabled": True, "start": start, "end": end, "timezone": str(zone)},
            "email": {"enabled": False},
        },
        headers=user.headers,
    )

    await notify(user.id, "message", "New message", "Ann: are you free tomorrow?")
    await drain()

    assert await outbox.messages(channel="push") == []
    held = await Delivery.find_one({"channel": "push", "to": TOKEN})
    assert held is not None
    assert held.status == "held"
    assert held.not_before is not None
    assert clock.as_utc(held.not_before) > clock.now()

    await run_now(sweep_deliveries)  # still quiet: nothing moves
    assert await outbox.messages(channel="push") == []

    clock.travel(timedelta(hours=2, minutes=1))
    await run_now(sweep_deliveries)

    push = await outbox.last(channel="push", to=TOKEN)
    assert push["body"] == "Ann: are you free tomorrow?"


async def test_security_notifications_ignore_quiet_hours_and_switches(client, outbox):
    user = await register(client, outbox)
    await client.put(
        "/notifications/preferences",
        json={
            "quiet_hours": {"enabled": True, "start": "00:00", "end": "23:59"},
            "email": {"enabled": False, "security_alerts": False},
        },
        headers=user.headers,
    )

    await notify(user.id, "password_changed", "Password changed", "Your password was changed")

    email = await outbox.last(channel="email", to=user.email, template="notification")
    assert email["subject"] == "Password changed"
    assert "unsubscribe" not in email["body"].lower()


async def test_direct_security_messages_are_never_held(client, outbox):
    user = await register(client, outbox)
    await client.put(
        "/notifications/preferences",
        json={"quiet_hours": {"enabled": True, "start": "00:00", "end": "23:59"}},
        headers=user.headers,
    )
    response = await client.post("/auth/forgot-password", json={"email": user.email})
    assert response.status_code == 200

    message = await outbox.last(to=user.email, template="password_reset_link")
    assert "reset-password?token=" in message["body"]


async def test_a_retried_delivery_actor_does_not_send_twice(client, outbox):
    user = await register(client, outbox)
    delivery_id = await send_direct(
        "email", user.email, "security_alert", {"first_name": "T", "headline": "h", "detail": "d"}
    )
    await drain()

    await run_now(deliver_email, str(delivery_id))
    await enqueue(deliver_email, str(delivery_id))
    await enqueue(deliver, str(delivery_id))  # the pre-channel actor name, still routed
    await drain()

    sent = await outbox.messages(template="security_alert", to=user.email)
    assert len(sent) == 1
    stored = await Delivery.get(delivery_id)
    assert stored is not None
    assert stored.status == "sent"
    assert stored.attempts == 1


class _Flaky:
    """An adapter that fails ``failures`` times with the given error, then succeeds."""

    def __init__(self, error: DeliveryError, failures: int = 1) -> None:
        self.error = error
        self.failures = failures
        self.sent: list[str] = []

    async def send(self, message):
        if self.failures:
            self.failures -= 1
            raise self.error
        self.sent.append(message.to)
        return "provider-1"


async def test_a_transient_failure_is_retried_and_sent_once(client, outbox, monkeypatch):
    from kwika.core import runtime

    user = await register(client, outbox)
    await drain()  # the welcome email is sent before the provider starts failing
    flaky = _Flaky(DeliveryError("503 from provider"))
    monkeypatch.setitem(runtime.get().adapters, "email", flaky)
    delivery_id = await send_direct(
        "email", user.email, "security_alert", {"first_name": "T", "headline": "h", "detail": "d"}
    )
    await drain(timeout_seconds=30)

    stored = await Delivery.get(delivery_id)
    assert stored is not None
    assert stored.status == "sent"
    assert stored.attempts == 2
    assert stored.provider_message_id == "provider-1"
    assert flaky.sent == [user.email]


async def test_a_permanent_failure_is_recorded_and_a_dead_push_token_dropped(
    client, outbox, monkeypatch
):
    from kwika.core import runtime

    user = await register(client, outbox)
    await _push_device(client, user)
    monkeypatch.setitem(
        runtime.get().adapters,
        "push",
        _Flaky(DeliveryError("UNREGISTERED", invalid_address=True), failures=5),
    )

    await notify(user.id, "follow", "New follower", "Ann followed you")
    await drain()

    stored = await Delivery.find_one({"channel": "push"})
    assert stored is not None
    assert stored.status == "failed"
    assert "UNREGISTERED" in (stored.last_error or "")
    assert await PushDevice.find_one({"token": TOKEN}) is None


async def test_email_templates_follow_the_notification_type(client, outbox):
    user = await register(client, outbox)

    await notify(
        user.id,
        "booking_status_changed",
        "Booking cancelled",
        "Your city tour booking was cancelled by the guide.",
        data={
            "status": "cancelled",
            "service_title": "Nairobi city tour",
            "date": "2026-03-01",
            "refund_amount": "50.00",
            "currency": "USD",
        },
    )
    await notify(
        user.id,
        "payment",
        "Payment receipt",
        "Thank you for your payment.",
        data={"amount": "120.00", "currency": "USD", "reference": "PAY-1"},
    )
    await notify(user.id, "account_created", "Welcome", "Your account is ready.")

    cancellation = await outbox.last(to=user.email, template="booking_cancellation")
    assert cancellation["subject"] == "Booking cancelled: Nairobi city tour"
    assert "Refund: 50.00 USD" in cancellation["body"]
    receipt = await outbox.last(to=user.email, template="payment_receipt")
    assert receipt["subject"] == "Payment receipt PAY-1"
    assert "Amount paid: 120.00 USD" in receipt["body"]
    welcome = await outbox.last(to=user.email, template="welcome")
    assert welcome["subject"] == "Welcome to Kwika, Test!"


async def _marketing_email(client, outbox, user, subject: str = "Big news") -> dict:
    await client.put(
        "/notifications/preferences", json={"email": {"marketing": True}}, headers=user.headers
    )
    await notify(user.id, "broadcast", subject, "New features are live")
    return await outbox.last(to=user.email, subject=subject)


def _unsubscribe_path(email: dict) -> str:
    link = next(w for w in email["body"].split() if "unsubscribe?token=" in w)
    return link.split("/api/v1", 1)[1]


async def _marketing_on(client, user) -> bool:
    prefs = data(await client.get("/notifications/preferences", headers=user.headers))
    return prefs["email"]["marketing"]


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def test_opening_the_unsubscribe_link_only_asks_for_confirmation(client, outbox):
    """Mail scanners open every link: a GET must not unsubscribe anybody."""
    user = await register(client, outbox)
    path = _unsubscribe_path(await _marketing_email(client, outbox, user))

    page = await client.get(path, headers=BROWSER)
    again = await client.get(path)

    assert page.status_code == again.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert "form-action 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert "Stop receiving <strong>marketing</strong> emails from Kwika?" in html
    token = path.split("token=", 1)[1]
    assert f'<form method="post" action="?token={token}">' in html
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in html
    assert await _marketing_on(client, user) is True


async def test_the_page_button_unsubscribes_and_shows_it_is_done(client, outbox):
    user = await register(client, outbox)
    path = _unsubscribe_path(await _marketing_email(client, outbox, user))

    done = await client.post(path, data={"List-Unsubscribe": "One-Click"}, headers=BROWSER)

    assert done.status_code == 200
    assert done.headers["content-type"].startswith("text/html")
    assert "You will no longer receive <strong>marketing</strong> emails" in done.text
    assert await _marketing_on(client, user) is False
    await notify(user.id, "broadcast", "More news", "Even more features")
    subjects = [m["subject"] for m in await outbox.messages(to=user.email)]
    assert "More news" not in subjects


async def test_rfc_8058_one_click_post_unsubscribes(client, outbox):
    user = await register(client, outbox)
    email = await _marketing_email(client, outbox, user)
    path = _unsubscribe_path(email)
    stored = await Delivery.find_one({"channel": "email", "subject": "Big news"})
    assert stored.headers == {
        "List-Unsubscribe": f"<http://localhost:8000/api/v1{path}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }

    # What a mail client sends: a form-encoded POST to the List-Unsubscribe URL.
    response = await client.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 200
    assert data(response) == {"channel": "email", "category": "marketing"}
    assert await _marketing_on(client, user) is False
    repeated = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert repeated.status_code == 200


async def test_bad_and_expired_unsubscribe_links(client, outbox):
    user = await register(client, outbox)
    path = _unsubscribe_path(await _marketing_email(client, outbox, user))
    tampered = path[:-3] + "xyz"

    refused = await client.post(tampered)
    assert refused.status_code == 400
    assert refused.json()["code"] == "INVALID_TOKEN"
    page = await client.get(tampered, headers=BROWSER)
    assert page.status_code == 400
    assert "This unsubscribe link is not valid" in page.text
    assert "<form" not in page.text

    clock.travel(timedelta(days=366))
    expired = await client.post(path)
    assert expired.status_code == 410
    assert expired.json()["code"] == "LINK_EXPIRED"
    expired_page = await client.post(path, headers=BROWSER)
    assert expired_page.status_code == 410
    assert "This unsubscribe link has expired" in expired_page.text
    assert await _marketing_on(client, user) is True


async def test_whatsapp_uses_the_approved_template_when_the_user_opted_in(client, outbox):
    user = await register(client, outbox, email=None, phone="+255712345679")
    await client.put(
        "/notifications/preferences", json={"whatsapp": {"enabled": True}}, headers=user.headers
    )

    await notify(
        user.id,
        "event_invite",
        "You are invited",
        "Jane invites you to her wedding",
        data={
            "event_name": "Jane's Wedding",
            "event_date": "2026-06-15",
            "organizer_name": "Jane",
            "rsvp_url": "https://app.kwika.test/rsvp/abc",
        },
    )

    message = await outbox.last(channel="whatsapp")
    assert message["to"] == "+255712345679"
    assert message["template"] == "event_invitation"
    assert message["data"]["whatsapp"] == {
        "template": "event_invitation",
        "language": "en",
        "parameters": [
            "Test",
            "Jane's Wedding",
            "2026-06-15",
            "Jane",
            "https://app.kwika.test/rsvp/abc",
        ],
    }


async def test_send_direct_whatsapp_to_a_guest_who_is_not_a_user(client, outbox):
    await send_direct(
        "whatsapp",
        "+255 712 000 111",
        "event_reminder",
        {
            "guest_name": "Sam",
            "event_name": "Gala",
            "event_date": "2026-05-01",
            "event_time": "18:00",
            "location": "Serena",
        },
    )
    message = await outbox.last(channel="whatsapp")
    assert message["to"] == "+255712000111"
    assert message["data"]["whatsapp"]["template"] == "event_reminder"
    assert message["body"].startswith("Hello Sam, reminder: Gala")


async def test_stale_pending_deliveries_are_sent_by_the_sweeper(client, outbox):
    user = await register(client, outbox)
    lost = Delivery(
        channel="email",
        to=user.email,
        template="notification",
        subject="Lost",
        body="A message whose queue entry was lost",
        created_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    await lost.insert()

    await run_now(sweep_deliveries)

    assert (await outbox.last(to=user.email, subject="Lost"))["body"].startswith("A message")


async def test_each_channel_is_delivered_by_its_own_actor_on_its_own_queue(
    client, outbox, monkeypatch
):
    """A slow provider only backs up its own channel's queue (issue 3: actors per channel)."""
    user = await register(client, outbox, phone="+255712345670")
    await _verify_phone(client, outbox, user)
    await _push_device(client, user)
    broker = runtime.get().broker
    enqueued: list[tuple[str, str]] = []
    original = broker.enqueue

    def spy(message, *, delay=None):
        if message.actor_name.startswith("notifications.deliver"):
            enqueued.append((message.actor_name, message.queue_name))
        return original(message, delay=delay)

    monkeypatch.setattr(broker, "enqueue", spy)

    await notify(user.id, "payment", "Payment received", "TZS 10,000 received")
    await drain()

    assert sorted(enqueued) == [
        ("notifications.deliver_email", "notifications.email"),
        ("notifications.deliver_push", "notifications.push"),
        ("notifications.deliver_sms", "notifications.sms"),
    ]
    # The worker consumes every declared queue (``kwika worker`` too): all were sent.
    assert {
        "notifications.email",
        "notifications.push",
        "notifications.sms",
        "notifications.whatsapp",
    } <= broker.get_declared_queues()
    deliveries = await Delivery.find({"notification_id": {"$ne": None}}).to_list()
    assert {d.channel: d.status for d in deliveries} == {
        "email": "sent",
        "push": "sent",
        "sms": "sent",
    }


class _Broken:
    """An adapter failing with an error no adapter should raise (a bug, an odd reply)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[str] = []

    async def send(self, message):
        if self.failures:
            self.failures -= 1
            return {}["id"]  # KeyError, as a reply without the expected field once did
        self.sent.append(message.to)
        return "provider-2"


async def test_an_unexpected_adapter_error_is_a_failed_attempt_retried_with_backoff(
    client, outbox, monkeypatch
):
    user = await register(client, outbox)
    await drain()  # the welcome email is sent before the adapter breaks
    broken = _Broken(failures=1)
    monkeypatch.setitem(runtime.get().adapters, "email", broken)

    delivery_id = await send_direct(
        "email", user.email, "security_alert", {"first_name": "T", "headline": "h", "detail": "d"}
    )
    await drain(timeout_seconds=30)

    stored = await Delivery.get(delivery_id)
    assert stored is not None
    assert stored.status == "sent"
    assert stored.attempts == 2
    assert stored.last_error == "unexpected error: KeyError: 'id'"
    assert broken.sent == [user.email]


async def _pending_email(to: str, attempts: int) -> Delivery:
    delivery = Delivery(
        channel="email",
        to=to,
        template="notification",
        subject="Hello",
        body="A message",
        status="pending",
        attempts=attempts,
    )
    await delivery.insert()
    return delivery


async def test_an_unexpected_error_never_leaves_a_delivery_sending(client, monkeypatch):
    monkeypatch.setitem(runtime.get().adapters, "email", _Broken(failures=99))
    first = await _pending_email("a@example.com", attempts=0)
    last = await _pending_email("b@example.com", attempts=MAX_ATTEMPTS - 1)

    with pytest.raises(RetryDelivery):
        await run_now(deliver_email, str(first.id))
    await run_now(deliver_email, str(last.id))  # the last attempt: no retry

    retried = await Delivery.get(first.id)
    assert (retried.status, retried.attempts) == ("pending", 1)
    assert retried.last_error == "unexpected error: KeyError: 'id'"
    failed = await Delivery.get(last.id)
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert failed.last_error == "unexpected error: KeyError: 'id'"


async def test_a_missing_adapter_is_a_failed_attempt_too(client, monkeypatch):
    monkeypatch.delitem(runtime.get().adapters, "email")
    delivery = await _pending_email("c@example.com", attempts=MAX_ATTEMPTS - 1)

    await run_now(deliver_email, str(delivery.id))

    stored = await Delivery.get(delivery.id)
    assert stored.status == "failed"
    assert stored.last_error == "unexpected error: KeyError: 'email'"
