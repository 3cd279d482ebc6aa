"""A local fake of Google's OAuth endpoints: authorization codes, token exchange and JWKS,
signing real RS256 ID tokens with a key generated for the test run."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt

BASE = "https://google.fake"
CLIENT_ID = "kwika-web.apps.googleusercontent.com"
MOBILE_CLIENT_ID = "kwika-android.apps.googleusercontent.com"
CLIENT_SECRET = "fake-google-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeGoogle:
    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "fake-kid-1"
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        public_jwk = jwk.construct(public_pem, "RS256").to_dict()
        self.jwks = {"keys": [{**public_jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, list[str]]] = []

    def settings(self) -> dict[str, Any]:
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "extra_client_ids": [MOBILE_CLIENT_ID],
            "authorization_url": f"{BASE}/o/oauth2/v2/auth",
            "token_url": f"{BASE}/token",
            "jwks_url": f"{BASE}/oauth2/v3/certs",
        }

    def id_token(
        self,
        *,
        sub: str,
        email: str,
        audience: str = CLIENT_ID,
        email_verified: bool = True,
        nonce: str | None = None,
        issuer: str = "https://accounts.google.com",
        kid: str | None = None,
        expires_in: int = 3600,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": issuer,
            "aud": audience,
            "sub": sub,
            "email": email,
            "email_verified": email_verified,
            "iat": now,
            "exp": now + expires_in,
            "given_name": "Gina",
            "family_name": "Google",
            "picture": "https://lh3.google.fake/photo.jpg",
            **claims,
        }
        if nonce is not None:
            payload["nonce"] = nonce
        return jwt.encode(
            payload, self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def authorize(
        self, authorization_url: str, *, sub: str, email: str, email_verified: bool = True
    ) -> tuple[str, str]:
        """What Google does when the user consents: returns (code, state) for the callback."""
        query = {k: v[0] for k, v in parse_qs(urlparse(authorization_url).query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        code = uuid.uuid4().hex
        self.codes[code] = {
            "sub": sub,
            "email": email,
            "email_verified": email_verified,
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
        }
        return code, query["state"]

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        self.token_requests.append(form)
        grant = self.codes.pop(form["code"][0], None)
        if grant is None or form["client_secret"][0] != CLIENT_SECRET:
            return httpx.Response(400, json={"error": "invalid_grant"})
        verifier = form["code_verifier"][0]
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return httpx.Response(
                400,
                json={"error": "invalid_grant", "error_description": "PKCE verification failed"},
            )
        if form["redirect_uri"][0] != grant["redirect_uri"]:
            return httpx.Response(400, json={"error": "redirect_uri_mismatch"})
        token = self.id_token(
            sub=grant["sub"],
            email=grant["email"],
            email_verified=grant["email_verified"],
            nonce=grant["nonce"],
        )
        return httpx.Response(
            200,
            json={
                "access_token": "ya29.fake",
                "expires_in": 3599,
                "token_type": "Bearer",
                "id_token": token,
            },
        )

    def mount(self, router: respx.Router) -> None:
        router.post(f"{BASE}/token").mock(side_effect=self._token)
        router.get(f"{BASE}/oauth2/v3/certs").mock(
            return_value=httpx.Response(
                200, json=self.jwks, headers={"Cache-Control": "public, max-age=3600"}
            )
        )
