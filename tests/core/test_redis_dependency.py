import asyncio
import subprocess
import sys
import textwrap

import fakeredis
import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika.asgi import create_app
from kwika.core.redis import RedisEndpoint, start_local_server
from tests.conftest import HAS_REDIS_SERVER, make_settings
from tests.support import PASSWORD, body, register


def _private_redis() -> RedisEndpoint:
    if HAS_REDIS_SERVER:
        return start_local_server("redis-server")
    return RedisEndpoint(fake_server=fakeredis.FakeServer(), kind="fakeredis")


def _take_down(endpoint: RedisEndpoint) -> None:
    if endpoint.fake_server is not None:
        endpoint.fake_server.connected = False
    else:
        endpoint.stop()


async def test_limited_endpoints_answer_503_when_redis_is_down(tmp_path):
    endpoint = _private_redis()
    settings = make_settings(tmp_path)
    app = create_app(settings, redis_endpoint=endpoint)
    try:
        async with (
            LifespanManager(app, shutdown_timeout=60),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
            ) as http,
        ):
            from kwika.core.broker import drain
            from tests.support import Outbox

            account = await register(http, Outbox(settings.outbox_path, drain))
            # Nothing in flight when Redis goes: a worker that cannot acknowledge a message
            # retries until Redis is back (Dramatiq), which would hold the shutdown.
            await drain()  # the welcome email of the verification
            _take_down(endpoint)
            signin = await http.post(
                "/auth/signin", json={"credential": account.email, "password": PASSWORD}
            )
            assert signin.status_code == 503
            assert body(signin)["code"] == "SERVICE_UNAVAILABLE"
            assert body(signin)["data"] == {"dependency": "redis"}
            assert signin.headers["Retry-After"]
            # Tokens cannot be checked against the revocation list: refused, not waved on.
            me = await http.get("/auth/me", headers=account.headers)
            assert me.status_code == 503
            ready = await http.get("/health/ready")
            assert ready.status_code == 503
            assert "redis" in body(ready)["data"]["failing"]
            assert (await http.get("/health")).status_code == 200
    finally:
        endpoint.stop()


@pytest.mark.redis_server
async def test_limits_hold_across_processes(redis_endpoint):
    """Two processes, ten concurrent attempts each, one budget of five: five get through."""
    script = textwrap.dedent(f"""
        import asyncio, json, types
        import redis.asyncio as aioredis
        from kwika.core import runtime, ratelimit
        from kwika.core.errors import RateLimited

        async def main():
            runtime.install(types.SimpleNamespace(redis=aioredis.Redis.from_url({redis_endpoint.url!r})))
            budget = ratelimit.Budget("test-cross-process", 5, 60)
            async def attempt():
                try:
                    await ratelimit.spend([(budget, "shared")])
                    return 1
                except RateLimited:
                    return 0
            results = await asyncio.gather(*(attempt() for _ in range(10)))
            print(sum(results))
        asyncio.run(main())
    """)
    processes = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", script, stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = await asyncio.gather(*(p.communicate() for p in processes))
    assert sum(int(out.strip()) for out, _ in outputs) == 5
