"""Access tokens: short-lived JWTs (python-jose) with a pinned algorithm and a key id.

Users and staff get tokens for different audiences, so a user token never passes a staff
guard and a staff token never passes a user guard.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bson import ObjectId
from bson.errors import InvalidId
from jose import JWTError, jwt

from kwika.config import JWTSettings
from kwika.core import clock

PrincipalKind = Literal["user", "staff"]


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    """Who is calling, as proven by an access token."""

    kind: PrincipalKind
    id: ObjectId
    session_id: ObjectId
    jti: str
    expires_at: datetime
    role: str


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: datetime
    expires_in: int


class AccessTokens:
    def __init__(self, config: JWTSettings, keys: dict[str, str]) -> None:
        if config.active_kid not in keys:
            raise ValueError(f"JWT key '{config.active_kid}' is not configured")
        self._config = config
        self._keys = keys

    @property
    def ttl_seconds(self) -> int:
        return self._config.access_ttl_seconds

    def _audience(self, kind: PrincipalKind) -> str:
        return self._config.staff_audience if kind == "staff" else self._config.user_audience

    def issue(
        self, kind: PrincipalKind, subject: ObjectId, session_id: ObjectId, role: str
    ) -> IssuedToken:
        issued_at = clock.now()
        expires_at = issued_at + timedelta(seconds=self._config.access_ttl_seconds)
        jti = secrets.token_urlsafe(16)
        claims = {
            "iss": self._config.issuer,
            "aud": self._audience(kind),
            "sub": str(subject),
            "sid": str(session_id),
            "jti": jti,
            "iat": int(issued_at.timestamp()),
            "nbf": int(issued_at.timestamp()),
            "exp": int(expires_at.timestamp()),
            "typ": "access",
            "knd": kind,
            "rol": role,
        }
        kid = self._config.active_kid
        token = jwt.encode(
            claims, self._keys[kid], algorithm=self._config.algorithm, headers={"kid": kid}
        )
        return IssuedToken(token, jti, expires_at, self._config.access_ttl_seconds)

    def decode(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            key = self._keys.get(header.get("kid", ""))
            if key is None:
                raise InvalidToken("unknown key id")
            unverified = jwt.get_unverified_claims(token)
            kind: PrincipalKind = "staff" if unverified.get("knd") == "staff" else "user"
            claims = jwt.decode(
                token,
                key,
                algorithms=[self._config.algorithm],
                audience=self._audience(kind),
                issuer=self._config.issuer,
                options={"require_exp": True, "require_sub": True, "require_jti": True},
            )
            if claims.get("typ") != "access" or claims.get("knd") != kind:
                raise InvalidToken("not an access token")
            return Principal(
                kind=kind,
                id=ObjectId(claims["sub"]),
                session_id=ObjectId(claims["sid"]),
                jti=str(claims["jti"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=clock.now().tzinfo),
                role=str(claims.get("rol", "")),
            )
        except (JWTError, InvalidId, KeyError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
