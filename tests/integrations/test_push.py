"""FCM HTTP v1 adapter against fakes of Google's OAuth token endpoint and FCM's API: the
service-account JWT is checked with the account's public key."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from kwika.config import PushSettings
from kwika.integrations.base import DeliveryError, OutgoingMessage
from kwika.integrations.push import JWT_BEARER_GRANT, FcmPush

TOKEN_URL = "https://oauth.test/token"
FCM = "https://fcm.test"
SEND_URL = f"{FCM}/v1/projects/kwika-test/messages:send"
EMAIL = "push@kwika-test.iam.gserviceaccount.com"
PUSH = OutgoingMessage(
    channel="push",
    to="device-token-1",
    subject="New Message",
    body="Ann sent you a message",
    template="push",
    data={"conversation_id": "c1", "unread": 3, "urgent": True},
)


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture
def push(key_pair, tmp_path) -> FcmPush:
    credentials = tmp_path / "service-account.json"
    credentials.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "kwika-test",
                "private_key_id": "kid-1",
                "private_key": key_pair[0],
                "client_email": EMAIL,
            }
        )
    )
    return FcmPush(
        PushSettings(
            backend="fcm",
            fcm_credentials_file=credentials,
            fcm_base_url=FCM,
            fcm_token_url=TOKEN_URL,
        )
    )


def _fake_google(key_pair, issued: list[str]):
    def token(request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        assert form["grant_type"] == [JWT_BEARER_GRANT]
        claims = jwt.decode(
            form["assertion"][0], key_pair[1], algorithms=["RS256"], audience=TOKEN_URL
        )
        assert claims["iss"] == EMAIL
        assert claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
        assert jwt.get_unverified_header(form["assertion"][0])["kid"] == "kid-1"
        access = f"ya29.token-{len(issued) + 1}"
        issued.append(access)
        return httpx.Response(
            200, json={"access_token": access, "expires_in": 3599, "token_type": "Bearer"}
        )

    respx.post(TOKEN_URL).mock(side_effect=token)


def _fcm_error(status: int, code: str, error_code: str | None) -> httpx.Response:
    details = (
        [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}]
        if error_code
        else []
    )
    return httpx.Response(
        status,
        json={"error": {"code": status, "message": "err", "status": code, "details": details}},
    )


@respx.mock
async def test_sends_with_an_oauth_token_it_caches(push, key_pair):
    issued: list[str] = []
    _fake_google(key_pair, issued)
    send = respx.post(SEND_URL).mock(
        return_value=httpx.Response(200, json={"name": "projects/kwika-test/messages/0:1"})
    )

    first = await push.send(PUSH)
    await push.send(PUSH)

    assert first == "projects/kwika-test/messages/0:1"
    assert issued == ["ya29.token-1"]
    request = send.calls.last.request
    assert request.headers["Authorization"] == "Bearer ya29.token-1"
    message = json.loads(request.content)["message"]
    assert message["token"] == "device-token-1"
    assert message["notification"] == {"title": "New Message", "body": "Ann sent you a message"}
    assert message["data"] == {"conversation_id": "c1", "unread": "3", "urgent": "true"}


@respx.mock
async def test_an_unregistered_token_is_reported_as_a_dead_address(push, key_pair):
    _fake_google(key_pair, [])
    respx.post(SEND_URL).mock(return_value=_fcm_error(404, "NOT_FOUND", "UNREGISTERED"))

    with pytest.raises(DeliveryError) as error:
        await push.send(PUSH)

    assert error.value.invalid_address is True
    assert error.value.permanent is True


@respx.mock
@pytest.mark.parametrize(
    ("status", "code", "error_code", "permanent"),
    [
        (503, "UNAVAILABLE", "UNAVAILABLE", False),
        (429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", False),
        (400, "INVALID_ARGUMENT", None, True),
        (401, "THIRD_PARTY_AUTH_ERROR", "THIRD_PARTY_AUTH_ERROR", False),
    ],
)
async def test_failures(push, key_pair, status, code, error_code, permanent):
    _fake_google(key_pair, [])
    respx.post(SEND_URL).mock(return_value=_fcm_error(status, code, error_code))
    with pytest.raises(DeliveryError) as error:
        await push.send(PUSH)
    assert error.value.permanent is permanent
    assert error.value.invalid_address is False


@respx.mock
async def test_a_refused_access_token_is_renewed_on_the_next_attempt(push, key_pair):
    issued: list[str] = []
    _fake_google(key_pair, issued)
    respx.post(SEND_URL).mock(
        side_effect=[
            _fcm_error(401, "UNAUTHENTICATED", None),
            httpx.Response(200, json={"name": "projects/kwika-test/messages/2"}),
        ]
    )

    with pytest.raises(DeliveryError):
        await push.send(PUSH)
    assert await push.send(PUSH) == "projects/kwika-test/messages/2"
    assert issued == ["ya29.token-1", "ya29.token-2"]


@respx.mock
async def test_a_refused_service_account_is_permanent(push):
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(400, json={"error": "invalid_grant"}))
    with pytest.raises(DeliveryError) as error:
        await push.send(PUSH)
    assert error.value.permanent is True


def test_credentials_are_required():
    with pytest.raises(ValueError, match="FCM needs"):
        FcmPush(PushSettings(backend="fcm"))


@respx.mock
@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html>sign in to the proxy</html>"),
        httpx.Response(200, json={"token_type": "Bearer"}),
        httpx.Response(200, json=["ya29.x"]),
    ],
    ids=["html", "no-access-token", "json-list"],
)
async def test_an_unreadable_oauth_reply_is_a_retryable_failure(push, reply):
    respx.post(TOKEN_URL).mock(return_value=reply)
    send = respx.post(SEND_URL).mock(return_value=httpx.Response(200, json={"name": "x"}))

    with pytest.raises(DeliveryError) as error:
        await push.send(PUSH)

    assert error.value.permanent is False
    assert "Google OAuth" in str(error.value)
    assert not send.called


@respx.mock
async def test_an_unreadable_fcm_success_is_a_retryable_failure(push, key_pair):
    _fake_google(key_pair, [])
    respx.post(SEND_URL).mock(return_value=httpx.Response(200, text="<html>ok</html>"))

    with pytest.raises(DeliveryError) as error:
        await push.send(PUSH)

    assert error.value.permanent is False
    assert "FCM" in str(error.value)


@respx.mock
@pytest.mark.parametrize(
    ("reply", "permanent"),
    [
        (httpx.Response(400, json={"error": "bad request"}), True),
        (httpx.Response(400, json={"error": {"details": "UNREGISTERED"}}), True),
        (httpx.Response(502, json=["upstream"]), False),
        (httpx.Response(503, text="<html>busy</html>"), False),
    ],
    ids=["error-string", "details-string", "json-list", "html"],
)
async def test_odd_error_replies_are_classified_by_status(push, key_pair, reply, permanent):
    _fake_google(key_pair, [])
    respx.post(SEND_URL).mock(return_value=reply)

    with pytest.raises(DeliveryError) as error:
        await push.send(PUSH)

    assert error.value.permanent is permanent
    assert error.value.invalid_address is False
