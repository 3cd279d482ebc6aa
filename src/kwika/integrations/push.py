"""Push notifications through Firebase Cloud Messaging's HTTP v1 API.

Authentication is OAuth 2.0 for a Google service account: a JWT signed with the account's
private key is exchanged at the token URL (a setting) for a short-lived access token, which
is cached until shortly before it expires. Messages go to
``POST {base}/v1/projects/{project}/messages:send``, one registration token each.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
from jose import jwt

from kwika.config import PushSettings
from kwika.integrations.base import (
    DeliveryError,
    OutgoingMessage,
    error_object,
    malformed_reply,
    reply_object,
)

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Refresh the access token this long before Google says it expires.
TOKEN_MARGIN_SECONDS = 60
# FCM's per-token error codes (google.firebase.fcm.v1.FcmError).
_DEAD_TOKEN = {"UNREGISTERED", "SENDER_ID_MISMATCH"}
_TRANSIENT = {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"}


@dataclass(frozen=True)
class ServiceAccount:
    project_id: str
    client_email: str
    private_key: str
    private_key_id: str | None = None

    @classmethod
    def from_settings(cls, config: PushSettings) -> ServiceAccount:
        values: dict[str, Any] = {}
        if config.fcm_credentials_file is not None:
            values = json.loads(config.fcm_credentials_file.read_text())
        project = config.fcm_project_id or values.get("project_id")
        email = config.fcm_client_email or values.get("client_email")
        key = (
            config.fcm_private_key.get_secret_value()
            if config.fcm_private_key
            else values.get("private_key")
        )
        if not (project and email and key):
            raise ValueError(
                "FCM needs KWIKA_PUSH__FCM_CREDENTIALS_FILE or KWIKA_PUSH__FCM_PROJECT_ID, "
                "KWIKA_PUSH__FCM_CLIENT_EMAIL and KWIKA_PUSH__FCM_PRIVATE_KEY"
            )
        return cls(
            project_id=str(project),
            client_email=str(email),
            private_key=str(key),
            private_key_id=config.fcm_private_key_id or values.get("private_key_id"),
        )


def _string_data(data: dict[str, Any]) -> dict[str, str]:
    """FCM data values must be strings; nested values travel as JSON."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        out[str(key)] = value if isinstance(value, str) else json.dumps(value, default=str)
    return out


class FcmPush:
    def __init__(self, config: PushSettings, account: ServiceAccount | None = None) -> None:
        self.config = config
        self.account = account or ServiceAccount.from_settings(config)
        self.base_url = config.fcm_base_url.rstrip("/")
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------ OAuth 2.0

    def _assertion(self) -> str:
        now = int(time.time())
        claims = {
            "iss": self.account.client_email,
            "sub": self.account.client_email,
            "scope": self.config.fcm_scope,
            "aud": self.config.fcm_token_url,
            "iat": now,
            "exp": now + 3600,
        }
        headers = {"kid": self.account.private_key_id} if self.account.private_key_id else None
        return jwt.encode(claims, self.account.private_key, algorithm="RS256", headers=headers)

    async def _access_token(self, client: httpx.AsyncClient) -> str:
        async with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            try:
                response = await client.post(
                    self.config.fcm_token_url,
                    data={"grant_type": JWT_BEARER_GRANT, "assertion": self._assertion()},
                )
            except httpx.HTTPError as exc:
                raise DeliveryError(f"Google OAuth unreachable: {exc}") from exc
            if response.status_code != 200:
                # A refused service account is a configuration problem, not a blip; 5xx
                # and 429 may pass.
                transient = response.status_code >= 500 or response.status_code == 429
                raise DeliveryError(
                    f"Google OAuth answered {response.status_code}: {response.text[:300]}",
                    permanent=not transient,
                )
            payload = reply_object("Google OAuth", response)
            token = payload.get("access_token")
            try:
                lifetime = int(payload.get("expires_in", 3600))
            except (TypeError, ValueError):
                lifetime = 0  # unreadable: use the token for this message only
            if not isinstance(token, str) or not token:
                raise malformed_reply("Google OAuth", response, "a reply without access_token")
            self._token = token
            self._token_expires = time.monotonic() + max(0, lifetime - TOKEN_MARGIN_SECONDS)
            return token

    def _forget_token(self) -> None:
        self._token = None
        self._token_expires = 0.0

    # ------------------------------------------------------------------ sending

    def _payload(self, message: OutgoingMessage) -> dict[str, Any]:
        return {
            "message": {
                "token": message.to,
                "notification": {"title": message.subject or "", "body": message.body},
                "data": _string_data(message.data),
                "android": {"priority": "high"},
                "apns": {"headers": {"apns-priority": "10"}},
            }
        }

    async def send(self, message: OutgoingMessage) -> str | None:
        url = f"{self.base_url}/v1/projects/{self.account.project_id}/messages:send"
        async with httpx.AsyncClient(timeout=self.config.timeout_seconds) as client:
            token = await self._access_token(client)
            try:
                response = await client.post(
                    url,
                    json=self._payload(message),
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError as exc:
                raise DeliveryError(f"FCM unreachable: {exc}") from exc
        if response.status_code == 200:
            name = reply_object("FCM", response).get("name")
            return str(name) if name else None
        if response.status_code == 401:
            self._forget_token()  # revoked or expired early: the next attempt gets a new one
            raise DeliveryError("FCM refused the access token")
        raise _fcm_error(response)


def _fcm_error(response: httpx.Response) -> DeliveryError:
    error = error_object(response)
    details = error.get("details")
    codes = {
        str(detail.get("errorCode"))
        for detail in (details if isinstance(details, list) else [])
        if isinstance(detail, dict) and detail.get("errorCode")
    }
    text = f"FCM answered {response.status_code}: {error.get('status')} {error.get('message')}"
    if codes & _DEAD_TOKEN or (
        "INVALID_ARGUMENT" in codes and "registration token" in str(error.get("message"))
    ):
        return DeliveryError(text, invalid_address=True)
    if codes & _TRANSIENT or response.status_code >= 500 or response.status_code == 429:
        return DeliveryError(text)
    return DeliveryError(text, permanent=400 <= response.status_code < 500)
