"""Google OAuth 2.0 / OpenID Connect: authorization URL, code exchange, ID-token verification.

Every Google URL is a setting, so tests point them at a local fake of Google's endpoints.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from jose import JWTError, jwt

from kwika.config import GoogleSettings

_MAX_AGE = re.compile(r"max-age=(\d+)")


class GoogleAuthError(Exception):
    """The token or code was refused; ``unavailable`` means Google could not be reached."""

    def __init__(self, message: str, *, unavailable: bool = False) -> None:
        super().__init__(message)
        self.unavailable = unavailable


class GoogleOAuth:
    def __init__(self, config: GoogleSettings, timeout: float = 10.0) -> None:
        self.config = config
        self.timeout = timeout
        self._jwks: dict[str, dict[str, Any]] = {}
        self._jwks_expires = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.config.client_id)

    def authorization_url(self, state: str, code_challenge: str, nonce: str) -> str:
        query = {
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "response_type": "code",
            "scope": self.config.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "access_type": "online",
            "prompt": "select_account",
        }
        return f"{self.config.authorization_url}?{urlencode(query)}"

    async def exchange_code(self, code: str, code_verifier: str) -> dict[str, Any]:
        secret = self.config.client_secret
        form = {
            "code": code,
            "client_id": self.config.client_id or "",
            "client_secret": secret.get_secret_value() if secret else "",
            "redirect_uri": self.config.redirect_uri,
            "grant_type": "authorization_code",
            "code_verifier": code_verifier,
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(self.config.token_url, data=form)
        except httpx.HTTPError as exc:
            raise GoogleAuthError(f"Google unreachable: {exc}", unavailable=True) from exc
        if response.status_code >= 500:
            raise GoogleAuthError("Google token endpoint failed", unavailable=True)
        if response.status_code != 200:
            raise GoogleAuthError("Google refused the authorization code")
        payload: dict[str, Any] = response.json()
        if "id_token" not in payload:
            raise GoogleAuthError("Google returned no ID token")
        return payload

    async def _keys(self, force: bool = False) -> dict[str, dict[str, Any]]:
        if self._jwks and not force and time.monotonic() < self._jwks_expires:
            return self._jwks
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(self.config.jwks_url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise GoogleAuthError(f"Google keys unavailable: {exc}", unavailable=True) from exc
        keys = {key["kid"]: key for key in response.json().get("keys", []) if "kid" in key}
        match = _MAX_AGE.search(response.headers.get("cache-control", ""))
        self._jwks = keys
        self._jwks_expires = time.monotonic() + (int(match.group(1)) if match else 3600)
        return keys

    async def verify_id_token(
        self, id_token: str, audiences: list[str], nonce: str | None = None
    ) -> dict[str, Any]:
        """Check signature (JWKS), issuer, audience, expiry and nonce; return the claims."""
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
        except JWTError as exc:
            raise GoogleAuthError("Malformed Google ID token") from exc
        keys = await self._keys()
        if kid not in keys:
            keys = await self._keys(force=True)  # Google rotated its keys
        if kid not in keys:
            raise GoogleAuthError("Google ID token signed with an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                keys[kid],
                algorithms=["RS256"],
                options={"verify_aud": False, "verify_at_hash": False},
            )
        except JWTError as exc:
            raise GoogleAuthError(f"Invalid Google ID token: {exc}") from exc
        if claims.get("iss") not in self.config.issuers:
            raise GoogleAuthError("Google ID token has the wrong issuer")
        audience = claims.get("aud")
        if audience not in audiences:
            raise GoogleAuthError("Google ID token was issued for another application")
        if nonce is not None and claims.get("nonce") != nonce:
            raise GoogleAuthError("Google ID token nonce does not match")
        if not claims.get("sub"):
            raise GoogleAuthError("Google ID token has no subject")
        return claims
