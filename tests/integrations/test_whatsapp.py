"""WhatsApp Cloud API adapter against a fake of the Graph API messages endpoint."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from kwika.config import WhatsAppSettings
from kwika.integrations.base import DeliveryError, OutgoingMessage
from kwika.integrations.whatsapp import WhatsAppCloud

URL = "https://graph.test/v21.0/1234567890/messages"
CONFIG = WhatsAppSettings(
    backend="cloud_api",
    base_url="https://graph.test",
    api_version="v21.0",
    phone_number_id="1234567890",
    access_token="EAAG-token",
)
TEMPLATE = OutgoingMessage(
    channel="whatsapp",
    to="+255 712 345 678",
    body="Hello Sam, reminder: Gala ...",
    template="event_reminder",
    data={
        "whatsapp": {
            "template": "event_reminder",
            "language": "en",
            "parameters": ["Sam", "Gala", "2026-05-01", "18:00", "Serena"],
        }
    },
)


def _ok() -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "messaging_product": "whatsapp",
            "contacts": [{"input": "255712345678", "wa_id": "255712345678"}],
            "messages": [{"id": "wamid.HBgM"}],
        },
    )


@respx.mock
async def test_sends_an_approved_template():
    route = respx.post(URL).mock(return_value=_ok())

    assert await WhatsAppCloud(CONFIG).send(TEMPLATE) == "wamid.HBgM"

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer EAAG-token"
    assert json.loads(request.content) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "255712345678",
        "type": "template",
        "template": {
            "name": "event_reminder",
            "language": {"code": "en"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": v}
                        for v in ["Sam", "Gala", "2026-05-01", "18:00", "Serena"]
                    ],
                }
            ],
        },
    }


@respx.mock
async def test_plain_text_without_a_template():
    route = respx.post(URL).mock(return_value=_ok())
    text = OutgoingMessage(channel="whatsapp", to="+255712345678", body="Hi", template="x")

    await WhatsAppCloud(CONFIG).send(text)

    payload = json.loads(route.calls.last.request.content)
    assert payload["type"] == "text"
    assert payload["text"] == {"preview_url": False, "body": "Hi"}


@respx.mock
@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 131047, True),  # outside the 24-hour window
        (404, 132001, True),  # template does not exist
        (400, 130429, False),  # throughput limit
        (400, 131056, False),  # pair rate limit
        (500, 131000, False),
        (401, 190, True),  # expired access token: an operator must fix it
    ],
)
async def test_graph_api_errors(status, code, permanent):
    respx.post(URL).mock(
        return_value=httpx.Response(
            status, json={"error": {"message": "err", "type": "OAuthException", "code": code}}
        )
    )
    with pytest.raises(DeliveryError) as error:
        await WhatsAppCloud(CONFIG).send(TEMPLATE)
    assert error.value.permanent is permanent


def test_credentials_are_required():
    with pytest.raises(ValueError, match="PHONE_NUMBER_ID"):
        WhatsAppCloud(WhatsAppSettings(backend="cloud_api"))


@respx.mock
@pytest.mark.parametrize(
    "reply",
    [httpx.Response(200, text="<html>captive portal</html>"), httpx.Response(200, json=[1])],
    ids=["html", "json-list"],
)
async def test_an_unreadable_success_is_a_retryable_failure(reply):
    respx.post(URL).mock(return_value=reply)

    with pytest.raises(DeliveryError) as error:
        await WhatsAppCloud(CONFIG).send(TEMPLATE)

    assert error.value.permanent is False
    assert "WhatsApp" in str(error.value)


@respx.mock
async def test_a_json_success_without_a_message_id_is_still_sent():
    respx.post(URL).mock(return_value=httpx.Response(200, json={"messages": "queued"}))
    assert await WhatsAppCloud(CONFIG).send(TEMPLATE) is None


@respx.mock
@pytest.mark.parametrize(
    ("reply", "permanent"),
    [
        (httpx.Response(400, json={"error": "bad"}), True),
        (httpx.Response(400, json={"error": {"code": [131047]}}), True),
        (httpx.Response(503, text="<html>down</html>"), False),
    ],
    ids=["error-string", "code-list", "html"],
)
async def test_odd_error_replies_are_classified_by_status(reply, permanent):
    respx.post(URL).mock(return_value=reply)
    with pytest.raises(DeliveryError) as error:
        await WhatsAppCloud(CONFIG).send(TEMPLATE)
    assert error.value.permanent is permanent
