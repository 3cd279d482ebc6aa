"""What the edge adds to every answer: logs a client cannot forge, answers with tokens or
account data that no cache keeps, and Socket.IO answers with the same headers."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator

import httpx
import pytest

from kwika.core.logging import JsonFormatter, TextFormatter
from tests.support import bearer, register


class _Lines(logging.Handler):
    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def access_log() -> Iterator[tuple[_Lines, _Lines]]:
    """The access log as the text and the JSON formats write it."""
    logger = logging.getLogger("kwika.access")
    text, as_json = _Lines(TextFormatter()), _Lines(JsonFormatter())
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(text)
    logger.addHandler(as_json)
    yield text, as_json
    logger.removeHandler(text)
    logger.removeHandler(as_json)
    logger.setLevel(level)


FORGED = "2026-01-01 00:00:00,000 INFO kwika.access: GET /api/v1/admin/staff 200"


async def test_control_characters_in_a_path_cannot_write_a_fake_log_line(client, access_log):
    text, as_json = access_log
    response = await client.get(f"/nope%0a{FORGED}%0d%1b[31m")
    assert response.status_code == 404

    line = next(line for line in text.lines if "/nope" in line)
    for control in ("\n", "\r", "\x1b"):
        assert control not in line
    assert f"/api/v1/nope\\n{FORGED}\\r\\x1b[31m 404" in line
    assert f"id={response.headers['x-request-id']}" in line
    record = next(line for line in as_json.lines if "/nope" in line)
    assert "\n" not in record
    assert '"status": 404' in record


async def test_a_traceback_cannot_start_a_line_of_its_own():
    record = logging.LogRecord("kwika.test", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise ValueError(f"bad input\n{FORGED}")
    except ValueError:
        record.exc_info = sys.exc_info()
    lines = TextFormatter().format(record).splitlines()
    assert lines[0].endswith("ERROR kwika.test: failed")
    assert all(line.startswith("  ") for line in lines[1:])
    assert f"  {FORGED}" in lines  # indented: it cannot pass for a record


async def test_token_account_and_settings_answers_are_never_stored(client, outbox):
    account = await register(client, outbox)
    signed_in = await client.post(
        "/auth/signin", json={"credential": account.email, "password": account.password}
    )
    refreshed = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    answers = {
        "sign-in": signed_in,
        "refresh": refreshed,
        "2fa verify": await client.post(
            "/auth/2fa/verify", json={"challenge_token": "x" * 40, "code": "123456"}
        ),
        "staff sign-in": await client.post(
            "/admin/auth/login", json={"email": "nobody@example.com", "password": "wrong-pass"}
        ),
        "profile": await client.get("/users/profile", headers=account.headers),
        "me": await client.get("/users/me", headers=account.headers),
        "auth me": await client.get("/auth/me", headers=bearer(account.access_token or "")),
        "settings": await client.get("/settings/security/sessions", headers=account.headers),
        "notification settings": await client.get(
            "/settings/notifications", headers=account.headers
        ),
    }
    assert signed_in.status_code == 200
    assert refreshed.status_code == 200
    for name, response in answers.items():
        assert response.headers.get("cache-control") == "no-store", name
    # Public reference data stays cacheable.
    public = await client.get("/references/currencies")
    assert "cache-control" not in public.headers


async def test_socketio_answers_carry_the_security_headers_and_a_request_id(live_server):
    async with httpx.AsyncClient(base_url=live_server, timeout=10) as http:
        handshake = await http.get(
            "/socket.io/",
            params={"EIO": "4", "transport": "polling"},
            headers={"X-Request-ID": "socket-trace-123"},
        )
        fresh = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
        for opened in (handshake, fresh):  # close both sessions (packet "1")
            sid = json.loads(opened.text[1:])["sid"]
            await http.post(
                "/socket.io/", params={"EIO": "4", "transport": "polling", "sid": sid}, content="1"
            )
    assert handshake.status_code == 200
    assert handshake.headers["x-request-id"] == "socket-trace-123"
    assert len(fresh.headers["x-request-id"]) == 32
    for response in (handshake, fresh):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
