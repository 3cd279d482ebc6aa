"""Email adapters against local fakes: a real SMTP server (aiosmtpd), SendGrid and Resend
HTTP APIs (respx)."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from email.message import Message

import httpx
import pytest
import respx
from aiosmtpd.controller import Controller

from kwika.config import EmailSettings
from kwika.core.broker import drain
from kwika.integrations.base import DeliveryError, OutgoingMessage
from kwika.integrations.email import ResendEmail, SendGridEmail, SmtpEmail
from tests.conftest import free_port, make_settings

MESSAGE = OutgoingMessage(
    channel="email",
    to="ann@example.com",
    subject="Booking confirmed",
    body="Your booking is confirmed.",
    html="<p>Your booking is <strong>confirmed</strong>.</p>",
    template="booking_confirmation",
    headers={"List-Unsubscribe": "<https://kwika.test/u?token=t>"},
)


class Mailbox:
    """aiosmtpd handler: keeps what it accepts, refuses recipients starting with bounce."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def _smtp_settings(port: int) -> EmailSettings:
    return EmailSettings(
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        from_address="Kwika <no-reply@kwika.test>",
        smtp_timeout_seconds=5,
    )


async def test_smtp_delivers_text_and_html_with_headers(smtp_server):
    mailbox, port = smtp_server

    message_id = await SmtpEmail(_smtp_settings(port)).send(MESSAGE)

    assert mailbox.envelopes == [("no-reply@kwika.test", ["ann@example.com"])]
    received = mailbox.messages[0]
    assert received["Subject"] == "Booking confirmed"
    assert received["Message-ID"] == message_id
    assert received["List-Unsubscribe"] == "<https://kwika.test/u?token=t>"
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in received.walk()}
    assert b"Your booking is confirmed." in parts["text/plain"]
    assert b"<strong>confirmed</strong>" in parts["text/html"]


async def test_smtp_refused_recipient_is_permanent(smtp_server):
    _, port = smtp_server
    bounce = OutgoingMessage(**{**MESSAGE.__dict__, "to": "bounce@example.com"})

    with pytest.raises(DeliveryError) as error:
        await SmtpEmail(_smtp_settings(port)).send(bounce)

    assert error.value.permanent is True


async def test_smtp_unreachable_is_transient():
    with pytest.raises(DeliveryError) as error:
        await SmtpEmail(_smtp_settings(free_port())).send(MESSAGE)
    assert error.value.permanent is False


async def test_the_application_sends_its_emails_through_smtp(smtp_server, tmp_path, redis_endpoint):
    from asgi_lifespan import LifespanManager

    from kwika.asgi import create_app
    from kwika.modules.notifications import send_direct

    mailbox, port = smtp_server
    settings = make_settings(tmp_path, email=_smtp_settings(port).model_dump())
    application = create_app(settings, redis_endpoint=redis_endpoint)
    async with LifespanManager(application, startup_timeout=30, shutdown_timeout=30):
        await send_direct(
            "email",
            "guest@example.com",
            "event_invitation",
            {
                "guest_name": "Sam",
                "event_name": "Gala",
                "event_date": "2026-05-01",
                "organizer_name": "Jane",
                "rsvp_url": "https://app.kwika.test/rsvp/x",
            },
        )
        await drain()

    assert mailbox.messages[0]["Subject"] == "Jane invites you to Gala"
    assert mailbox.envelopes[0][1] == ["guest@example.com"]


@respx.mock
async def test_sendgrid_v3_mail_send():
    route = respx.post("https://sendgrid.test/v3/mail/send").mock(
        return_value=httpx.Response(202, headers={"X-Message-Id": "sg-123"})
    )

    message_id = await SendGridEmail(
        "https://sendgrid.test", "SG.key", "Kwika <no-reply@kwika.test>"
    ).send(MESSAGE)

    assert message_id == "sg-123"
    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer SG.key"
    payload = json.loads(request.content)
    assert payload["personalizations"] == [{"to": [{"email": "ann@example.com"}]}]
    assert payload["from"] == {"email": "no-reply@kwika.test", "name": "Kwika"}
    assert [c["type"] for c in payload["content"]] == ["text/plain", "text/html"]
    assert payload["headers"]["List-Unsubscribe"] == "<https://kwika.test/u?token=t>"


@respx.mock
@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (401, True), (429, False), (503, False)]
)
async def test_sendgrid_failures(status, permanent):
    respx.post("https://sendgrid.test/v3/mail/send").mock(
        return_value=httpx.Response(status, json={"errors": [{"message": "nope"}]})
    )
    with pytest.raises(DeliveryError) as error:
        await SendGridEmail("https://sendgrid.test", "k", "no-reply@kwika.test").send(MESSAGE)
    assert error.value.permanent is permanent


@respx.mock
async def test_resend_emails_api():
    route = respx.post("https://resend.test/emails").mock(
        return_value=httpx.Response(200, json={"id": "re_123"})
    )

    message_id = await ResendEmail("https://resend.test/", "re_key", "no-reply@kwika.test").send(
        MESSAGE
    )

    assert message_id == "re_123"
    payload = json.loads(route.calls.last.request.content)
    assert payload["to"] == ["ann@example.com"]
    assert payload["html"] == MESSAGE.html
    assert payload["text"] == MESSAGE.body
    assert payload["headers"] == MESSAGE.headers


@respx.mock
async def test_resend_unreachable_and_refused():
    respx.post("https://resend.test/emails").mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(DeliveryError) as unreachable:
        await ResendEmail("https://resend.test", "k", "no-reply@kwika.test").send(MESSAGE)
    assert unreachable.value.permanent is False

    respx.post("https://resend.test/emails").mock(return_value=httpx.Response(422, json={}))
    with pytest.raises(DeliveryError) as refused:
        await ResendEmail("https://resend.test", "k", "no-reply@kwika.test").send(MESSAGE)
    assert refused.value.permanent is True


@respx.mock
@pytest.mark.parametrize(
    "reply",
    [httpx.Response(200, text="<html>proxy</html>"), httpx.Response(200, json=["re_1"])],
    ids=["html", "json-list"],
)
async def test_resend_unreadable_success_is_a_retryable_failure(reply):
    respx.post("https://resend.test/emails").mock(return_value=reply)

    with pytest.raises(DeliveryError) as error:
        await ResendEmail("https://resend.test", "k", "no-reply@kwika.test").send(MESSAGE)

    assert error.value.permanent is False
    assert "Resend" in str(error.value)
