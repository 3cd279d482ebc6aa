"""Each HTTP provider adapter wired through the whole application: a user is notified, the
channel's delivery actor runs, the adapter calls the provider, and a local fake of the
provider's API (tests/fakes/providers.py, real HTTP on 127.0.0.1) records the request.
SMTP has the same test in test_email.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika.asgi import create_app
from kwika.core.broker import drain
from kwika.modules.notifications import notify
from kwika.modules.notifications.documents import Delivery
from tests.conftest import make_settings
from tests.fakes.providers import (
    AT_KEY,
    FCM_PROJECT,
    RESEND_KEY,
    SENDGRID_KEY,
    WHATSAPP_PHONE_ID,
    WHATSAPP_TOKEN,
    WHATSAPP_VERSION,
    FakeProviders,
    ProvidersServer,
)
from tests.support import Outbox, register

PUSH_TOKEN = "fcm-device-token-" + "b" * 40


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with ProvidersServer() as providers:
        yield providers


@asynccontextmanager
async def running_app(
    tmp_path, redis_endpoint, **backends: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The application with the given channel backends, and an HTTP client of it."""
    settings = make_settings(tmp_path, **backends)
    application = create_app(settings, redis_endpoint=redis_endpoint)
    async with LifespanManager(application, startup_timeout=30, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.10", 50000))
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver/api/v1",
            headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"},
        ) as http:
            yield http


def _code(text: str) -> str:
    found = re.findall(r"\b(\d{6})\b", text)
    assert found, f"no code in {text!r}"
    return found[0]


async def _verify(client: httpx.AsyncClient, account, channel: str, code: str) -> None:
    response = await client.post(
        "/users/verify-otp",
        json={"user_id": account.id, "verification_type": channel, "otp_code": code},
    )
    assert response.status_code == 200, response.text


def _text_part(payload: dict[str, Any]) -> str:
    """SendGrid's text/plain content, or Resend's text."""
    if "content" in payload:
        return next(c["value"] for c in payload["content"] if c["type"] == "text/plain")
    return str(payload["text"])


@pytest.mark.parametrize(
    ("backend", "path", "key"),
    [("sendgrid", "/v3/mail/send", SENDGRID_KEY), ("resend", "/emails", RESEND_KEY)],
)
async def test_notification_emails_go_through_the_http_email_provider(
    fake, tmp_path, redis_endpoint, backend, path, key
):
    email = fake.sendgrid_settings() if backend == "sendgrid" else fake.resend_settings()
    async with running_app(tmp_path, redis_endpoint, email=email) as client:
        outbox = Outbox(tmp_path / "outbox.jsonl", drain)
        user = await register(client, outbox, verify=False, sign_in=False)
        await drain()
        verification = fake.received(path)[-1].json()
        await _verify(client, user, "email", _code(_text_part(verification)))

        await notify(
            user.id,
            "booking_request",
            "New booking request",
            "Mary wants to book you",
            data={"client_name": "Mary", "service_title": "Wedding photos"},
        )
        await drain()

        sent = [r for r in fake.received(path) if "Wedding photos" in r.body.decode()]
        assert len(sent) == 1
        request = sent[0]
        assert request.headers["authorization"] == f"Bearer {key}"
        assert request.headers["content-type"] == "application/json"
        payload = request.json()
        if backend == "sendgrid":
            assert payload["personalizations"] == [{"to": [{"email": user.email}]}]
            assert payload["from"] == {"email": "no-reply@kwika.test", "name": "Kwika"}
            assert [c["type"] for c in payload["content"]] == ["text/plain", "text/html"]
        else:
            assert payload["to"] == [user.email]
            assert payload["from"] == "Kwika <no-reply@kwika.test>"
            assert "<html" in payload["html"].lower()
        assert "Mary" in _text_part(payload)
        unsubscribe = payload["headers"]["List-Unsubscribe"]
        assert "/api/v1/notifications/unsubscribe?token=" in unsubscribe
        assert payload["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        stored = await Delivery.find_one({"channel": "email", "template": "new_booking"})
        assert stored is not None
        assert stored.status == "sent"
        assert stored.provider_message_id


async def test_sms_goes_through_africas_talking(fake, tmp_path, redis_endpoint):
    async with running_app(tmp_path, redis_endpoint, sms=fake.sms_settings()) as client:
        outbox = Outbox(tmp_path / "outbox.jsonl", drain)
        user = await register(
            client, outbox, email=None, phone="+255712345601", verify=False, sign_in=False
        )
        await drain()
        await _verify(
            client, user, "phone", _code(fake.received("/version1/messaging")[-1].form()["message"])
        )

        await notify(user.id, "payment", "Payment received", "TZS 10,000 received")
        await drain()

        request = fake.received("/version1/messaging")[-1]
        assert request.headers["apikey"] == AT_KEY
        assert request.headers["accept"] == "application/json"
        assert request.form() == {
            "username": "kwika",
            "to": "+255712345601",
            "message": "Kwika: payment received. Thank you!",
            "from": "KWIKA",
        }
        stored = await Delivery.find_one({"channel": "sms", "template": "payment_receipt"})
        assert stored is not None
        assert stored.status == "sent"
        assert stored.provider_message_id.startswith("ATXid_")


async def test_push_goes_through_fcm_v1_with_a_service_account_token(
    fake, tmp_path, redis_endpoint
):
    push = fake.push_settings(tmp_path)
    async with running_app(tmp_path, redis_endpoint, push=push) as client:
        outbox = Outbox(tmp_path / "outbox.jsonl", drain)
        user = await register(client, outbox)
        response = await client.post(
            "/notifications/push-tokens",
            json={"token": PUSH_TOKEN, "platform": "android"},
            headers=user.headers,
        )
        assert response.status_code == 201, response.text

        await notify(user.id, "follow", "New follower", "Ann followed you", action_url="/u/ann")
        await drain()

        assert len(fake.received("/token")) == 1  # the JWT assertion was accepted
        sends = fake.received(f"/v1/projects/{FCM_PROJECT}/messages:send")
        assert len(sends) == 1
        assert sends[0].headers["authorization"] == f"Bearer {fake.access_tokens[0]}"
        message = sends[0].json()["message"]
        assert message["token"] == PUSH_TOKEN
        assert message["notification"] == {"title": "New follower", "body": "Ann followed you"}
        assert message["data"]["type"] == "follow"
        assert message["data"]["action_url"] == "/u/ann"
        stored = await Delivery.find_one({"channel": "push"})
        assert stored is not None
        assert stored.status == "sent"
        assert stored.provider_message_id.startswith(f"projects/{FCM_PROJECT}/messages/")


async def test_whatsapp_goes_through_the_cloud_api_as_an_approved_template(
    fake, tmp_path, redis_endpoint
):
    whatsapp = fake.whatsapp_settings()
    async with running_app(tmp_path, redis_endpoint, whatsapp=whatsapp) as client:
        outbox = Outbox(tmp_path / "outbox.jsonl", drain)
        user = await register(client, outbox, email=None, phone="+255712345602")
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
        await drain()

        sent = fake.received(f"/{WHATSAPP_VERSION}/{WHATSAPP_PHONE_ID}/messages")
        assert len(sent) == 1
        assert sent[0].headers["authorization"] == f"Bearer {WHATSAPP_TOKEN}"
        payload = sent[0].json()
        assert payload["to"] == "255712345602"
        assert payload["type"] == "template"
        assert payload["template"]["name"] == "event_invitation"
        assert [p["text"] for p in payload["template"]["components"][0]["parameters"]] == [
            "Test",
            "Jane's Wedding",
            "2026-06-15",
            "Jane",
            "https://app.kwika.test/rsvp/abc",
        ]
        stored = await Delivery.find_one({"channel": "whatsapp"})
        assert stored is not None
        assert stored.status == "sent"
        assert stored.provider_message_id.startswith("wamid.")


async def test_an_unreadable_provider_reply_is_retried_then_sent(fake, tmp_path, redis_endpoint):
    async with running_app(tmp_path, redis_endpoint, sms=fake.sms_settings()) as client:
        outbox = Outbox(tmp_path / "outbox.jsonl", drain)
        user = await register(
            client, outbox, email=None, phone="+255712345603", verify=False, sign_in=False
        )
        await drain()
        await _verify(
            client, user, "phone", _code(fake.received("/version1/messaging")[-1].form()["message"])
        )
        fake.garble("/version1/messaging")  # a proxy's HTML page instead of the API's JSON

        await notify(user.id, "payment", "Payment received", "TZS 10,000 received")
        await drain(timeout_seconds=30)

        stored = await Delivery.find_one({"channel": "sms", "template": "payment_receipt"})
        assert stored is not None
        assert stored.status == "sent"
        assert stored.attempts == 2
        assert "Africa's Talking sent a reply that is not a JSON object" in stored.last_error
        assert len(fake.received("/version1/messaging")) == 3  # the code, the garbled, the sent
