"""Several API processes stay in sync through Redis: a client connected to a second
process (a real ``uvicorn`` subprocess) receives what the first one emits."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import free_port
from tests.support import SocketUser, data, register

pytestmark = pytest.mark.redis_server


@pytest.fixture
async def second_process(settings, redis_endpoint, tmp_path) -> AsyncIterator[str]:
    """Another API process on the same Redis and secret (its own embedded database, its own
    broker namespace, no worker: only the Socket.IO fan-out is shared)."""
    port = free_port()
    env = {
        **os.environ,
        "KWIKA_ENVIRONMENT": "test",
        "KWIKA_SECRET_KEY": settings.secret_key.get_secret_value(),
        "KWIKA_REDIS_URL": redis_endpoint.url,
        "KWIKA_BROKER_NAMESPACE": "kwika-second-process",
        "KWIKA_WORKER_IN_PROCESS": "false",
        "KWIKA_OUTBOX_PATH": str(tmp_path / "second-outbox.jsonl"),
        "KWIKA_LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "kwika.asgi:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        env=env,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError("the second API process exited")
                try:
                    if (await http.get(f"{base}/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the second API process did not start")
        yield base
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def test_events_reach_clients_connected_to_another_process(
    live_server, live_client, outbox, second_process
):
    ann = await register(live_client, outbox, first_name="Ann")
    bob = await register(live_client, outbox, first_name="Bob")
    bob_elsewhere = await SocketUser().connect(second_process, bob.access_token)
    try:
        response = await live_client.post(
            "/messages/start",
            json={"recipient_id": bob.id, "content": "across processes"},
            headers=ann.headers,
        )
        message = await bob_elsewhere.next("new_message")
        assert message["id"] == data(response)["message"]["id"]
        assert message["content"] == "across processes"
    finally:
        await bob_elsewhere.close()
