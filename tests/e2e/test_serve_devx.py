"""Issue 11 items 15, 16 and 22 as a developer meets them: `kwika serve --port P --demo`
in development prints what matters, answers a browser front-end, points every URL it
makes at port P, and has demo data to find."""

import asyncio
import os
import socket
import sys
from pathlib import Path

import httpx

from kwika.modules.identity import DEMO_PASSWORD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _wait_ready(http: httpx.AsyncClient) -> None:
    for _ in range(300):
        try:
            if (await http.get("/health/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("kwika serve did not start")


async def test_serve_demo_on_another_port_in_development(tmp_path):
    port = _free_port()
    kwika = Path(sys.executable).with_name("kwika")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KWIKA_")  # the developer's shell sets none of them
    }
    env.update(
        {
            "KWIKA_ENVIRONMENT": "development",
            "KWIKA_OUTBOX_PATH": str(tmp_path / "outbox.jsonl"),
            "KWIKA_MEDIA__ROOT": str(tmp_path / "media"),
            "KWIKA_SECRET_KEY": "serve-test-secret-0123456789-abcdefghijklmn",
            "KWIKA_PASSWORD_HASH__TIME_COST": "1",
            "KWIKA_PASSWORD_HASH__MEMORY_COST_KIB": "1024",
            "KWIKA_DEFAULT_CURRENCY": "KES",
        }
    )
    process = await asyncio.create_subprocess_exec(
        str(kwika),
        "serve",
        "--port",
        str(port),
        "--demo",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    public = f"http://localhost:{port}"
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            await _wait_ready(http)
            # Item 16: the default front-end origin may call the API from a browser.
            preflight = await http.options(
                "/api/v1/services",
                headers={
                    "Origin": "http://localhost:3000",
                    "Access-Control-Request-Method": "GET",
                },
            )
            assert preflight.headers.get("access-control-allow-origin") == "http://localhost:3000"
            # Item 22: the demo data is there to find.
            found = (await http.get("/api/v1/services", params={"q": "photography"})).json()
            assert found["data"]["pagination"]["total_items"] >= 1
            assert found["data"]["items"][0]["provider"]["name"] == "Demo Vendor"
            signed_in = await http.post(
                "/api/v1/auth/signin",
                json={"credential": "democlient", "password": DEMO_PASSWORD},
            )
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["data"]["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            inbox = (await http.get("/api/v1/conversations", headers=headers)).json()
            assert inbox["data"]["pagination"]["total_items"] == 1
            # Item 15 (and 19: `file_size`): signed upload URLs follow the port.
            ticket = await http.post(
                "/api/v1/uploads/request",
                headers=headers,
                json={
                    "filename": "cover.jpg",
                    "content_type": "image/jpeg",
                    "file_size": 1000,
                    "context": "event_cover",
                },
            )
            assert ticket.status_code == 201, ticket.text
            assert ticket.json()["data"]["upload_url"].startswith(f"{public}/api/v1/uploads/")
    finally:
        process.terminate()
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    text = output.decode()
    assert f"{public}/api/v1/docs" in text
    assert f"Public URL:  {public}" in text
    assert "CORS:        http://localhost:3000" in text
    assert "currency KES, phone region TZ" in text
    assert "Demo data" in text
