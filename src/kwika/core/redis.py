"""Redis: the configured server, else a private ``redis-server``, else fakeredis.

The endpoint is resolved once per process; clients are created per event loop (an
asyncio client is bound to the loop that first used it).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import fakeredis
import redis
import redis.asyncio as aioredis

from kwika.config import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "kwika"


def redis_key(*parts: object) -> str:
    """Every key the application writes is namespaced here, and written with a TTL."""
    return ":".join([KEY_PREFIX, *(str(p) for p in parts)])


@dataclass
class RedisEndpoint:
    """Where Redis lives for this process: a URL, or an in-memory fakeredis server."""

    url: str | None = None
    fake_server: fakeredis.FakeServer | None = None
    kind: str = "configured"
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _workdir: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def async_client(self) -> aioredis.Redis:
        if self.fake_server is not None:
            return fakeredis.FakeAsyncRedis(server=self.fake_server)
        return aioredis.Redis.from_url(self._url(), socket_timeout=5, socket_connect_timeout=2)

    def sync_client(self) -> redis.Redis:
        if self.fake_server is not None:
            return fakeredis.FakeRedis(server=self.fake_server)
        return redis.Redis.from_url(self._url(), socket_timeout=10, socket_connect_timeout=2)

    def _url(self) -> str:
        if self.url is None:
            raise RuntimeError("this Redis endpoint has neither a URL nor a fake server")
        return self.url

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None


def start_local_server(binary: str) -> RedisEndpoint:
    """Start a private, non-persistent redis-server on a unix socket."""
    workdir = tempfile.TemporaryDirectory(prefix="kwika-redis-")
    socket_path = Path(workdir.name) / "redis.sock"
    process = subprocess.Popen(  # noqa: S603 - binary found by shutil.which
        [
            binary,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir.name,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"unix://{socket_path}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if redis.Redis.from_url(url).ping():
                return RedisEndpoint(url=url, kind="local", _process=process, _workdir=workdir)
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    process.kill()
    workdir.cleanup()
    raise RuntimeError(f"{binary} did not start")


def resolve_endpoint(settings: Settings) -> RedisEndpoint:
    if settings.redis_url:
        return RedisEndpoint(url=settings.redis_url, kind="configured")
    binary = shutil.which(settings.redis_server_binary)
    if binary:
        try:
            endpoint = start_local_server(binary)
            log.info("Started a private redis-server at %s", endpoint.url)
            return endpoint
        except (OSError, RuntimeError) as exc:
            log.warning("Could not start redis-server (%s); using fakeredis", exc)
    log.info("No Redis configured and no redis-server installed: using in-memory fakeredis")
    return RedisEndpoint(fake_server=fakeredis.FakeServer(), kind="fakeredis")


# Errors that mean "Redis is unreachable" (503), as opposed to a bug in how we call it.
REDIS_DOWN: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
