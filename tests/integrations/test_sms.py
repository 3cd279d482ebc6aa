"""Africa's Talking SMS adapter against a fake of its messaging API."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest
import respx

from kwika.config import SmsSettings
from kwika.integrations.base import DeliveryError, OutgoingMessage
from kwika.integrations.sms import AfricasTalkingSms

BASE = "https://africastalking.test"
CONFIG = SmsSettings(
    backend="africastalking",
    africastalking_username="kwika",
    africastalking_api_key="at-key",
    africastalking_base_url=BASE,
    sender_id="KWIKA",
)
SMS = OutgoingMessage(channel="sms", to="+255712345678", body="Your code is 123456", template="x")


def _answer(status: str, message_id: str = "ATXid_1") -> httpx.Response:
    recipient = {"statusCode": 101, "number": SMS.to, "status": status, "messageId": message_id}
    return httpx.Response(
        201, json={"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [recipient]}}
    )


@respx.mock
async def test_sends_and_returns_the_message_id():
    route = respx.post(f"{BASE}/version1/messaging").mock(return_value=_answer("Success"))

    assert await AfricasTalkingSms(CONFIG).send(SMS) == "ATXid_1"

    request = route.calls.last.request
    assert request.headers["apiKey"] == "at-key"
    form = parse_qs(request.content.decode())
    assert form == {
        "username": ["kwika"],
        "to": ["+255712345678"],
        "message": ["Your code is 123456"],
        "from": ["KWIKA"],
    }


@respx.mock
@pytest.mark.parametrize(
    ("status", "permanent"),
    [("InvalidPhoneNumber", True), ("UserInBlacklist", True), ("InsufficientBalance", False)],
)
async def test_recipient_failures(status, permanent):
    respx.post(f"{BASE}/version1/messaging").mock(return_value=_answer(status))
    with pytest.raises(DeliveryError) as error:
        await AfricasTalkingSms(CONFIG).send(SMS)
    assert error.value.permanent is permanent


@respx.mock
@pytest.mark.parametrize(("code", "permanent"), [(401, True), (500, False)])
async def test_http_failures(code, permanent):
    respx.post(f"{BASE}/version1/messaging").mock(return_value=httpx.Response(code, text="err"))
    with pytest.raises(DeliveryError) as error:
        await AfricasTalkingSms(CONFIG).send(SMS)
    assert error.value.permanent is permanent


def test_an_api_key_is_required():
    with pytest.raises(ValueError, match="API_KEY"):
        AfricasTalkingSms(SmsSettings(backend="africastalking"))


@respx.mock
@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(201, text="<html>Gateway maintenance</html>"),
        httpx.Response(201, json=["Sent"]),
        httpx.Response(201, json={"SMSMessageData": "Sent to 1/1"}),
        httpx.Response(201, json={"SMSMessageData": {"Recipients": ["+255712345678"]}}),
    ],
    ids=["html", "json-list", "no-recipients-object", "recipient-not-an-object"],
)
async def test_an_unreadable_reply_is_a_retryable_failure_naming_the_provider(reply):
    respx.post(f"{BASE}/version1/messaging").mock(return_value=reply)

    with pytest.raises(DeliveryError) as error:
        await AfricasTalkingSms(CONFIG).send(SMS)

    assert error.value.permanent is False
    assert "Africa's Talking" in str(error.value)


@respx.mock
async def test_a_success_without_a_message_id_is_still_sent():
    respx.post(f"{BASE}/version1/messaging").mock(return_value=_answer("Success", ""))
    assert await AfricasTalkingSms(CONFIG).send(SMS) is None
