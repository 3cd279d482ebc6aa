"""The first README command's last step: `kwika serve` starts the API on the embedded default."""

import asyncio
import os
import socket
import sys
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_kwika_serve_answers_on_the_embedded_default(tmp_path):
    port = _free_port()
    kwika = Path(sys.executable).with_name("kwika")
    env = {
        **os.environ,
        "KWIKA_OUTBOX_PATH": str(tmp_path / "outbox.jsonl"),
        "KWIKA_SECRET_KEY": "serve-test-secret-0123456789-abcdefghijklmn",
        "KWIKA_PASSWORD_HASH__TIME_COST": "1",
        "KWIKA_PASSWORD_HASH__MEMORY_COST_KIB": "1024",
    }
    env.pop("KWIKA_REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        str(kwika),
        "serve",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            for _ in range(200):
                try:
                    ready = await http.get("/health/ready")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("kwika serve did not start")
            assert ready.status_code == 200
            assert (await http.get("/api/v1/docs")).status_code == 200
            created = await http.post(
                "/api/v1/users/signup",
                json={
                    "first_name": "Live",
                    "last_name": "Server",
                    "email": "live@example.com",
                    "password": "Kwika-Strong-2026",
                },
            )
            assert created.status_code == 201
            for _ in range(100):
                outbox = tmp_path / "outbox.jsonl"
                if outbox.exists() and "live@example.com" in outbox.read_text():
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the in-process worker did not deliver the code")
    finally:
        process.terminate()
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    text = output.decode()
    assert f"http://localhost:{port}/api/v1/docs" in text
    assert process.returncode in (0, -15), text  # uvicorn re-raises the SIGTERM it handled
