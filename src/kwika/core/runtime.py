"""The resources of the running process (API or worker), set once at start-up.

Handlers, services and actors reach shared clients through :func:`get`; each process (and
each test app) installs its own runtime, created on the loop that will use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import dramatiq
    import redis.asyncio as aioredis
    from motor.motor_asyncio import AsyncIOMotorDatabase

    from kwika.config import Settings
    from kwika.core.redis import RedisEndpoint
    from kwika.core.security import Keyring, Passwords
    from kwika.core.tokens import AccessTokens


@dataclass
class Runtime:
    settings: Settings
    keyring: Keyring
    passwords: Passwords
    tokens: AccessTokens
    db: AsyncIOMotorDatabase[Any]
    mongo_client: Any
    redis_endpoint: RedisEndpoint
    redis: aioredis.Redis
    broker: dramatiq.Broker
    # Provider adapters (email, sms, ...) keyed by channel; built by kwika.bootstrap.
    adapters: dict[str, Any] = field(default_factory=dict)


_current: Runtime | None = None


def get() -> Runtime:
    if _current is None:
        raise RuntimeError("Kwika runtime is not started")
    return _current


def install(runtime: Runtime | None) -> None:
    global _current
    _current = runtime
