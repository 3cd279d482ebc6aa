"""A local stand-in for the notification providers' HTTP APIs, served on 127.0.0.1 so the
whole application (notify → delivery actor → adapter) talks to it over real HTTP.

It speaks the documented request shapes and answers like the real services:

* SendGrid v3: ``POST /v3/mail/send`` (JSON, ``Authorization: Bearer <key>``) → 202 with
  ``X-Message-Id``.
* Resend: ``POST /emails`` (JSON, bearer key) → 200 ``{"id": ...}``.
* Africa's Talking: ``POST /version1/messaging`` (form, ``apiKey`` header) → 201 with
  ``SMSMessageData.Recipients``.
* Google OAuth 2.0 for a service account: ``POST /token`` with a JWT-bearer assertion,
  checked with the account's public key → an access token; FCM HTTP v1:
  ``POST /v1/projects/<project>/messages:send`` with that token → 200 ``{"name": ...}``.
* WhatsApp Cloud API: ``POST /<version>/<phone number id>/messages`` (JSON, bearer token) →
  200 ``{"messages": [{"id": ...}]}``.

Every request is recorded (path, headers, body). A wrong credential gets the provider's
401. :meth:`FakeProviders.garble` makes the next replies to a path a 200 HTML page (what a
proxy or a wrong base URL answers), to test unreadable replies.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

SENDGRID_KEY = "SG.fake-sendgrid-key"
RESEND_KEY = "re_fake_resend_key"
AT_USERNAME = "kwika"
AT_KEY = "fake-africastalking-key"
FCM_PROJECT = "kwika-fake"
FCM_CLIENT_EMAIL = "push@kwika-fake.iam.gserviceaccount.com"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
WHATSAPP_TOKEN = "EAAG-fake-whatsapp-token"
WHATSAPP_PHONE_ID = "109876543210"
WHATSAPP_VERSION = "v21.0"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, status: int, payload: Any, **headers: str) -> Reply:
        return cls(status, json.dumps(payload).encode(), headers=headers)


GARBAGE = Reply(200, b"<html><body>Service temporarily unavailable</body></html>", "text/html")


class FakeProviders:
    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        self.base_url = ""
        self.requests: list[Recorded] = []
        self.access_tokens: list[str] = []
        self._garbled: dict[str, int] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ test helpers

    def received(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def garble(self, path: str, times: int = 1) -> None:
        """The next ``times`` requests to ``path`` get a 200 HTML page instead of the API's
        answer (nothing is recorded as sent)."""
        with self._lock:
            self._garbled[path] = times

    def sendgrid_settings(self) -> dict[str, Any]:
        return {
            "backend": "sendgrid",
            "sendgrid_api_key": SENDGRID_KEY,
            "sendgrid_base_url": self.base_url,
            "from_address": "Kwika <no-reply@kwika.test>",
        }

    def resend_settings(self) -> dict[str, Any]:
        return {
            "backend": "resend",
            "resend_api_key": RESEND_KEY,
            "resend_base_url": self.base_url,
            "from_address": "Kwika <no-reply@kwika.test>",
        }

    def sms_settings(self) -> dict[str, Any]:
        return {
            "backend": "africastalking",
            "africastalking_username": AT_USERNAME,
            "africastalking_api_key": AT_KEY,
            "africastalking_base_url": self.base_url,
            "sender_id": "KWIKA",
        }

    def push_settings(self, directory: Path) -> dict[str, Any]:
        credentials = directory / "fcm-service-account.json"
        credentials.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": FCM_PROJECT,
                    "private_key_id": "fake-kid",
                    "private_key": self.private_pem,
                    "client_email": FCM_CLIENT_EMAIL,
                }
            )
        )
        return {
            "backend": "fcm",
            "fcm_credentials_file": str(credentials),
            "fcm_base_url": self.base_url,
            "fcm_token_url": f"{self.base_url}/token",
            "fcm_scope": FCM_SCOPE,
        }

    def whatsapp_settings(self) -> dict[str, Any]:
        return {
            "backend": "cloud_api",
            "base_url": self.base_url,
            "api_version": WHATSAPP_VERSION,
            "phone_number_id": WHATSAPP_PHONE_ID,
            "access_token": WHATSAPP_TOKEN,
        }

    # ------------------------------------------------------------------ the APIs

    def answer(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            left = self._garbled.get(request.path, 0)
            if left:
                self._garbled[request.path] = left - 1
                return GARBAGE
        path = request.path
        if path == "/v3/mail/send":
            return self._sendgrid(request)
        if path == "/emails":
            return self._resend(request)
        if path == "/version1/messaging":
            return self._africastalking(request)
        if path == "/token":
            return self._google_token(request)
        if path == f"/v1/projects/{FCM_PROJECT}/messages:send":
            return self._fcm(request)
        if path == f"/{WHATSAPP_VERSION}/{WHATSAPP_PHONE_ID}/messages":
            return self._whatsapp(request)
        return Reply.of(404, {"error": f"no such endpoint {path}"})

    def _sendgrid(self, request: Recorded) -> Reply:
        if request.headers.get("authorization") != f"Bearer {SENDGRID_KEY}":
            return Reply.of(
                401, {"errors": [{"message": "The provided authorization grant is invalid"}]}
            )
        payload = request.json()
        if not payload.get("personalizations") or not payload.get("from"):
            return Reply.of(
                400, {"errors": [{"message": "personalizations and from are required"}]}
            )
        return Reply(202, headers={"X-Message-Id": f"sg-{uuid.uuid4().hex[:12]}"})

    def _resend(self, request: Recorded) -> Reply:
        if request.headers.get("authorization") != f"Bearer {RESEND_KEY}":
            return Reply.of(401, {"name": "missing_api_key", "message": "Missing API key"})
        payload = request.json()
        if not payload.get("to") or not payload.get("from"):
            return Reply.of(422, {"name": "validation_error", "message": "Missing `to`"})
        return Reply.of(200, {"id": str(uuid.uuid4())})

    def _africastalking(self, request: Recorded) -> Reply:
        if request.headers.get("apikey") != AT_KEY:
            return Reply(401, b"The supplied authentication is invalid", "text/plain")
        form = request.form()
        if form.get("username") != AT_USERNAME:
            return Reply(401, b"The supplied authentication is invalid", "text/plain")
        recipient = {
            "statusCode": 101,
            "number": form["to"],
            "status": "Success",
            "cost": "TZS 20.0000",
            "messageId": f"ATXid_{uuid.uuid4().hex[:12]}",
        }
        return Reply.of(
            201, {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [recipient]}}
        )

    def _google_token(self, request: Recorded) -> Reply:
        form = request.form()
        try:
            assert form.get("grant_type") == JWT_BEARER_GRANT
            claims = jwt.decode(
                form["assertion"],
                self.public_pem,
                algorithms=["RS256"],
                audience=f"{self.base_url}/token",
            )
            assert claims["iss"] == FCM_CLIENT_EMAIL
            assert claims["scope"] == FCM_SCOPE
        except Exception:
            return Reply.of(400, {"error": "invalid_grant", "error_description": "Invalid JWT"})
        token = f"ya29.fake-{uuid.uuid4().hex[:12]}"
        with self._lock:
            self.access_tokens.append(token)
        return Reply.of(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _fcm(self, request: Recorded) -> Reply:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.access_tokens:
            return Reply.of(
                401, {"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "bad token"}}
            )
        message = request.json().get("message", {})
        if not message.get("token"):
            return Reply.of(
                400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "no target"}}
            )
        return Reply.of(200, {"name": f"projects/{FCM_PROJECT}/messages/{uuid.uuid4().hex[:8]}"})

    def _whatsapp(self, request: Recorded) -> Reply:
        if request.headers.get("authorization") != f"Bearer {WHATSAPP_TOKEN}":
            return Reply.of(401, {"error": {"message": "Invalid OAuth access token", "code": 190}})
        payload = request.json()
        return Reply.of(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                "messages": [{"id": f"wamid.{uuid.uuid4().hex[:16]}"}],
            },
        )


def _handler(fake: FakeProviders) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                method="POST",
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            reply = fake.answer(request)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


class ProvidersServer:
    """``with ProvidersServer() as fake:`` serves :class:`FakeProviders` on a free port."""

    def __init__(self) -> None:
        self.fake = FakeProviders()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        host, port = self.server.server_address[:2]
        self.fake.base_url = f"http://{host!s}:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProviders:
        self.thread.start()
        return self.fake

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
