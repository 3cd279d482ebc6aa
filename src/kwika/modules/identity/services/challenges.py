"""Sign-in challenges: the short-lived second step (2FA, new device, staff TOTP enrolment).

A challenge lives in Redis for five minutes under the digest of its token, allows a few
wrong codes, and is consumed exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from kwika.core import runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import BadRequest, DependencyUnavailable
from kwika.core.net import DeviceInfo
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.core.security import random_token, sha256_hex
from kwika.modules.identity.constants import CHALLENGE_MAX_ATTEMPTS
from kwika.modules.identity.exceptions import (
    ChallengeAttemptsExceeded,
    ChallengeExpired,
    VerificationCodeInvalid,
)
from kwika.modules.identity.services import throttle

ChallengeKind = Literal["two_factor", "device", "staff_totp_setup", "staff_two_factor"]


@dataclass
class Challenge:
    kind: ChallengeKind
    principal_kind: Literal["user", "staff"]
    principal_id: str
    remember_me: bool
    device: dict[str, Any]
    ip: str
    methods: list[str]
    via: str = "password"
    # Digest of a code sent by SMS/email for this challenge, when one was sent.
    code_hash: str | None = None
    code_channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, request_id: str = "") -> ClientContext:
        return ClientContext(
            ip=self.ip,
            user_agent=self.device.get("user_agent", ""),
            device=DeviceInfo(**self.device),
            request_id=request_id,
        )


def _key(token: str) -> str:
    return redis_key("auth", "challenge", sha256_hex(token))


def ttl_seconds() -> int:
    return runtime.get().settings.jwt.challenge_ttl_seconds


async def create(challenge: Challenge) -> str:
    token = random_token(24)
    try:
        await runtime.get().redis.set(
            _key(token),
            json.dumps({"challenge": asdict(challenge), "attempts": 0}),
            ex=ttl_seconds(),
        )
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc
    return token


async def load(token: str) -> Challenge:
    try:
        raw = await runtime.get().redis.get(_key(token))
    except REDIS_DOWN as exc:
        raise DependencyUnavailable("redis") from exc
    if raw is None:
        raise ChallengeExpired()
    return Challenge(**json.loads(raw)["challenge"])


async def update(token: str, challenge: Challenge) -> None:
    key = _key(token)
    client = runtime.get().redis
    raw = await client.get(key)
    if raw is None:
        raise ChallengeExpired()
    stored = json.loads(raw)
    stored["challenge"] = asdict(challenge)
    await client.set(key, json.dumps(stored), keepttl=True)


async def record_failure(token: str) -> None:
    """Count a wrong code; past the limit the challenge is gone and sign-in starts over."""
    key = _key(token)
    client = runtime.get().redis
    raw = await client.get(key)
    if raw is None:
        return
    stored = json.loads(raw)
    stored["attempts"] += 1
    if stored["attempts"] >= CHALLENGE_MAX_ATTEMPTS:
        await client.delete(key)
        raise ChallengeAttemptsExceeded()
    await client.set(key, json.dumps(stored), keepttl=True)


async def settle(token: str, challenge: Challenge, check: Callable[[], Awaitable[bool]]) -> None:
    """Check a code for a challenge: the attempt counts against the account's budget and
    the challenge's own; a right code consumes the challenge, a wrong one is a 400."""
    subject = f"{challenge.principal_kind}:{challenge.principal_id}"
    await throttle.code_attempt(subject)
    try:
        accepted = await check()
    except BadRequest:
        await record_failure(token)
        raise
    if not accepted:
        await record_failure(token)
        raise VerificationCodeInvalid()
    await consume(token)
    await throttle.code_accepted(subject)


async def consume(token: str) -> None:
    """Single use: of two concurrent completions only one deletes the key."""
    if not await runtime.get().redis.delete(_key(token)):
        raise ChallengeExpired()
