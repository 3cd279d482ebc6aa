"""Test harness: one application for the session on the embedded engine, reset before every
test (tests/harness.py); a dedicated application for a test that overrides ``settings``; a
shared real Redis when the machine has redis-server (CI installs it); the outbox reader.
documents/testing.md explains it."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import fakeredis
import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager

from kwika.asgi import create_app
from kwika.config import Settings
from kwika.core import clock
from kwika.core.broker import drain
from kwika.core.redis import RedisEndpoint, start_local_server
from tests.harness import SessionApp, reset
from tests.support import SETUP, Outbox

HAS_REDIS_SERVER = shutil.which("redis-server") is not None
REQUIRE_REDIS = os.environ.get("KWIKA_TEST_REQUIRE_REDIS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAS_REDIS_SERVER:
        return
    if REQUIRE_REDIS:
        raise pytest.UsageError("KWIKA_TEST_REQUIRE_REDIS=1 but redis-server is not installed")
    skip = pytest.mark.skip(reason="redis-server is not installed")
    for item in items:
        if "redis_server" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def redis_endpoint() -> Iterator[RedisEndpoint]:
    if HAS_REDIS_SERVER:
        endpoint = start_local_server("redis-server")
        yield endpoint
        endpoint.stop()
    else:
        yield RedisEndpoint(fake_server=fakeredis.FakeServer(), kind="fakeredis")


@pytest.fixture(scope="session")
async def session_app(
    redis_endpoint: RedisEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SessionApp]:
    """The application most tests share, started once (see tests/harness.py)."""
    # Its own broker namespace: its in-process worker must never take the messages of an
    # application a test starts (on another loop, or after the session loop paused).
    settings = make_settings(tmp_path_factory.mktemp("session"), broker_namespace="kwika-session")
    application = create_app(settings, redis_endpoint=redis_endpoint)
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=30):
        yield SessionApp.capture(application, settings)


# Where signing up is the behaviour under test, ``register`` keeps going through HTTP.
SIGNUP_OVER_HTTP = ("tests/modules/identity/", "tests/e2e/")


@pytest.fixture(autouse=True)
def _account_setup(request: pytest.FixtureRequest) -> None:
    path = request.node.path.relative_to(Path(__file__).parent.parent).as_posix()
    over_http = path.startswith(SIGNUP_OVER_HTTP) or bool(
        request.node.get_closest_marker("signup_over_http")
    )
    forced = os.environ.get("KWIKA_TEST_SIGNUP")  # "http" or "direct", to compare
    SETUP["direct"] = forced == "direct" if forced else not over_http


@pytest.fixture(autouse=True)
async def _clean_state(session_app: SessionApp) -> AsyncIterator[None]:
    """Every test starts from the state right after start-up and seeding."""
    await reset(session_app)
    yield
    clock.reset()


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": "test-secret-key-0123456789-abcdefghijklmnop",
        "outbox_path": tmp_path / "outbox.jsonl",
        # Uploaded files go to the test's own directory, never the repository's var/.
        "media": {"root": tmp_path / "media"},
        "password_hash": {"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1},
        "worker_threads": 2,
        # A closing long-polling Socket.IO client waits for its pending poll, which the
        # server answers at the next ping: keep that short.
        "realtime": {"ping_interval_seconds": 2, "ping_timeout_seconds": 5},
        "frontend_url": "https://app.kwika.test",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(session_app: SessionApp) -> Settings:
    """The session application's settings. A test (module, class) that needs other settings
    overrides this fixture with ``make_settings(tmp_path, ...)`` and gets an application of
    its own; changes a test makes to these shared settings are undone before the next test."""
    return session_app.settings


def dedicated(settings: Settings, session_app: SessionApp) -> bool:
    return settings is not session_app.settings


@pytest.fixture
async def app(
    settings: Settings, session_app: SessionApp, redis_endpoint: RedisEndpoint
) -> AsyncIterator[Any]:
    if not dedicated(settings, session_app):
        yield session_app.app
        return
    application = create_app(settings, redis_endpoint=redis_endpoint)
    async with LifespanManager(application, startup_timeout=30, shutdown_timeout=30):
        yield application
    # The next test's reset points runtime, broker, gateway and Beanie back at the session app.


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 50000))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver/api/v1",
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"},
    ) as http:
        yield http


@pytest.fixture
def outbox(settings: Settings) -> Outbox:
    return Outbox(settings.outbox_path, drain)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def live_server(
    settings: Settings, session_app: SessionApp, redis_endpoint: RedisEndpoint
) -> AsyncIterator[str]:
    """The application served by uvicorn on 127.0.0.1 (a free port), on the test's loop:
    real HTTP and WebSocket connections for Socket.IO clients. Yields the base URL.

    The session application (already started: no lifespan) unless the test overrides
    ``settings``, which gets one of its own."""
    own = dedicated(settings, session_app)
    application = create_app(settings, redis_endpoint=redis_endpoint) if own else session_app.app
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=free_port(),
        lifespan="on" if own else "off",
        log_level="warning",
        # A Socket.IO long-poll request would otherwise hold the shutdown for a ping interval.
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # start-up failed: raise its error
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    await serving


@pytest.fixture
async def live_client(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the live server (same base path as ``client``)."""
    async with httpx.AsyncClient(
        base_url=f"{live_server}/api/v1",
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"},
        timeout=15,
    ) as http:
        yield http
