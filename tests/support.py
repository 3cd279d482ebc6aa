"""Helpers the tests share: reading the outbox, creating accounts, TOTP codes."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
import socketio
from bson import ObjectId

from kwika.integrations.outbox import Outbox as OutboxFile
from kwika.modules import providers
from tests.modules.media import samples

PASSWORD = "Kwika-Strong-2026"
# The address the ``client`` fixture's requests come from.
TEST_CLIENT_IP = "203.0.113.10"


class Outbox:
    """The development outbox, read after the background workers are done."""

    def __init__(self, path: Path, drain: Callable[[], Awaitable[None]]) -> None:
        self.file = OutboxFile(path)
        self._drain = drain

    async def messages(self, **match: Any) -> list[dict[str, Any]]:
        await self._drain()
        return [m for m in self.file.read() if all(m.get(k) == v for k, v in match.items())]

    async def last(self, **match: Any) -> dict[str, Any]:
        found = await self.messages(**match)
        assert found, f"no outbox message matching {match}"
        return found[-1]

    async def code(self, to: str, template: str | None = None) -> str:
        match: dict[str, Any] = {"to": to}
        if template:
            match["template"] = template
        message = await self.last(**match)
        codes = re.findall(r"\b(\d{6})\b", message["body"])
        assert codes, f"no code in {message['body']!r}"
        return codes[0]

    async def link_token(self, to: str, template: str) -> str:
        message = await self.last(to=to, template=template)
        tokens = re.findall(r"token=([A-Za-z0-9_\-.]+)", message["body"])
        assert tokens, f"no link in {message['body']!r}"
        return tokens[0]


async def settle() -> None:
    """Wait for the background work the last requests started: signal receivers keep search
    and the other read models current a moment after a write (eventually consistent)."""
    from kwika.core.broker import drain

    await drain()


def body(response: httpx.Response) -> dict[str, Any]:
    return response.json()


def data(response: httpx.Response) -> Any:
    return response.json()["data"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def totp_now(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


@dataclass
class Account:
    id: str
    email: str | None
    phone: str | None
    username: str
    password: str = PASSWORD
    access_token: str = ""
    refresh_token: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


_counter = {"n": 0}
# How ``register`` creates accounts when the caller does not say; conftest sets it per test.
SETUP = {"direct": False}


def _unique() -> int:
    _counter["n"] += 1
    return _counter["n"]


async def register(
    client: httpx.AsyncClient,
    outbox: Outbox,
    *,
    verify: bool = True,
    sign_in: bool = True,
    direct: bool | None = None,
    **fields: Any,
) -> Account:
    """Sign up through the API, verify with the emailed/SMS code and sign in.

    ``direct=True`` is for set-up data when the step under test is not the sign-up: the
    same identity services the three requests call run in-process, without HTTP and without
    reading the code from the outbox (the verification and welcome messages are still sent).
    ``None`` follows :data:`SETUP`: direct, except in the tests of identity and the journeys
    (and tests marked ``signup_over_http``), where signing up is what is being tested.
    """
    if direct is None:
        direct = SETUP["direct"]
    n = _unique()
    payload = {
        "first_name": "Test",
        "last_name": "User",
        "email": f"user{n}@example.com",
        "password": PASSWORD,
        **fields,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    if direct:
        return await _register_directly(client, payload, verify=verify, sign_in=sign_in)
    response = await client.post("/users/signup", json=payload)
    assert response.status_code == 201, response.text
    created = data(response)
    email = payload.get("email")
    phone = created and payload.get("phone")
    account = Account(
        id=created["id"],
        email=email,
        phone=phone,
        username=created["username"],
        password=payload.get("password", PASSWORD),
    )
    if verify:
        channel = "email" if email else "phone"
        destination = email if email else (await _stored_phone(client, outbox, account))
        code = await outbox.code(destination, "verify_code")
        verified = await client.post(
            "/users/verify-otp",
            json={"user_id": account.id, "verification_type": channel, "otp_code": code},
        )
        assert verified.status_code == 200, verified.text
    if sign_in:
        await login(client, account)
    return account


async def _register_directly(
    client: httpx.AsyncClient, payload: dict[str, Any], *, verify: bool, sign_in: bool
) -> Account:
    """What ``POST /users/signup``, ``/users/verify-otp`` and ``/auth/signin`` do, by the
    services behind them, each step's background work sent once it succeeded."""
    from kwika.core.auth import ClientContext
    from kwika.core.broker import defer_messages, drain, flush
    from kwika.core.net import describe_device
    from kwika.modules.identity.schemas import AuthOut, SigninIn, SignupIn
    from kwika.modules.identity.services import accounts, signin

    user_agent = client.headers.get("user-agent", "")
    context = ClientContext(
        ip=TEST_CLIENT_IP,
        user_agent=user_agent,
        device=describe_device(user_agent),
        request_id="test-factory",
    )
    with defer_messages() as held:
        created = await accounts.signup(SignupIn.model_validate(payload), context)
    await flush(held)
    account = Account(
        id=created.id,
        email=payload.get("email"),
        phone=payload.get("phone"),
        username=created.username,
        password=payload.get("password", PASSWORD),
    )
    if verify:
        user = await accounts.get_user(created.id)
        with defer_messages() as held:
            await accounts.mark_verified(user, "email" if account.email else "phone")
        await flush(held)
    if sign_in:
        credential = account.email or account.phone or account.username
        with defer_messages() as held:
            issued = await signin.sign_in(
                SigninIn(credential=credential, password=account.password), context
            )
        await flush(held)
        assert isinstance(issued, AuthOut), issued
        account.access_token, account.refresh_token = issued.access_token, issued.refresh_token
    # As the HTTP path (which waited for the code), leave no sign-up message in flight to
    # arrive after whatever the test sends next.
    await drain()
    return account


async def _stored_phone(client: httpx.AsyncClient, outbox: Outbox, account: Account) -> str:
    message = await outbox.last(template="verify_code", channel="sms")
    return str(message["to"])


async def login(client: httpx.AsyncClient, account: Account, **extra: Any) -> httpx.Response:
    credential = account.email or account.phone or account.username
    response = await client.post(
        "/auth/signin", json={"credential": credential, "password": account.password, **extra}
    )
    if response.status_code == 200 and "access_token" in data(response):
        account.access_token = data(response)["access_token"]
        account.refresh_token = data(response)["refresh_token"]
    return response


async def erase_account(client: httpx.AsyncClient, account: Account) -> None:
    """Delete the account, let the 30-day grace period pass and run the purge, as
    production does: identity anonymises it and every module's receiver erases its data."""
    from kwika.core import clock
    from kwika.core.broker import drain, enqueue
    from kwika.modules.identity import tasks

    response = await client.request(
        "DELETE", "/users/account", headers=account.headers, json={"password": account.password}
    )
    assert response.status_code == 200, response.text
    clock.travel(timedelta(days=31))
    await enqueue(tasks.purge_deleted_accounts)
    await drain()


async def run_now(actor: Any, *args: Any) -> Any:
    """Run an async Dramatiq actor's function on the test's loop (its ``fn`` would block
    waiting for this very loop), as a worker would run it."""
    from kwika.core.broker import run_inline

    return await run_inline(actor, *args)


WAIT_SECONDS = 10


class SocketUser:
    """A real Socket.IO client (python-socketio over aiohttp) that records every event."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: dict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)

        @self.sio.on("*")
        async def record(event: str, payload: Any = None) -> None:
            await self.events[event].put(payload)

    async def connect(
        self,
        base_url: str,
        token: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        transports: list[str] | None = None,
    ) -> SocketUser:
        await self.sio.connect(
            base_url,
            auth={"token": token} if token else None,
            headers=headers or {},
            transports=transports or ["websocket"],
            socketio_path="socket.io",
            wait_timeout=10,
        )
        return self

    async def next(self, event: str) -> Any:
        """The next ``event`` received (waits for it, up to ``WAIT_SECONDS``)."""
        return await asyncio.wait_for(self.events[event].get(), WAIT_SECONDS)

    def pending(self, event: str) -> list[Any]:
        """Everything received for ``event`` so far, without waiting."""
        queue = self.events[event]
        items = []
        while not queue.empty():
            items.append(queue.get_nowait())
        return items

    async def call(self, event: str, payload: Any = None) -> Any:
        """Emit and wait for the acknowledgement."""
        return await self.sio.call(event, payload, timeout=10)

    async def emit(self, event: str, payload: Any = None) -> None:
        await self.sio.emit(event, payload)

    async def disconnected(self) -> None:
        """Wait until the server closes the connection."""
        await asyncio.wait_for(self.sio.wait(), WAIT_SECONDS)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


ADMIN_EMAIL = "admin@kwika-staff.example.com"
ADMIN_PASSWORD = "Admin-Strong-2026"


@dataclass
class Staff:
    email: str
    password: str
    secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    id: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def staff_sign_in(client: httpx.AsyncClient, staff: Staff, step: int = 0) -> Staff:
    """Staff sign-in: enrol TOTP on first use, then complete with a current code.

    ``step`` picks the TOTP step relative to now: a second sign-in in one test passes 1
    so it never replays the first one's code.
    """
    first = await client.post(
        "/admin/auth/login", json={"email": staff.email, "password": staff.password}
    )
    assert first.status_code == 200, first.text
    challenge = data(first)
    if challenge.get("totp_setup_required"):
        staff.secret = challenge["secret"]
    done = await client.post(
        "/admin/auth/2fa/verify",
        json={
            "challenge_token": challenge["challenge_token"],
            "code": totp_now(staff.secret, step),
        },
    )
    assert done.status_code == 200, done.text
    result = data(done)
    staff.access_token, staff.refresh_token = result["access_token"], result["refresh_token"]
    staff.id = result["staff"]["id"]
    return staff


# ---------------------------------------------------------------- providers and the catalogue

STAFF_REVIEWER = "5f0000000000000000000001"  # a staff id for service-level reviews in tests
_ACCOUNT_FIELDS = ("first_name", "last_name", "email", "phone", "username")


async def make_provider(
    client: httpx.AsyncClient,
    outbox: Outbox,
    *,
    kinds: tuple[str, ...] = ("vendor",),
    **fields: Any,
) -> Account:
    """A verified, signed-in user who became a provider (``extra["provider"]``)."""
    account_fields = {k: fields.pop(k) for k in _ACCOUNT_FIELDS if k in fields}
    account = await register(client, outbox, **account_fields)
    response = await client.post(
        "/providers/me", headers=account.headers, json={"kinds": list(kinds), **fields}
    )
    assert response.status_code == 201, response.text
    account.extra["provider"] = data(response)
    return account


async def make_company(
    client: httpx.AsyncClient, account: Account, **fields: Any
) -> dict[str, Any]:
    payload = {"name": f"Company {_unique()}", "district": "Kinondoni", **fields}
    response = await client.post("/companies", headers=account.headers, json=payload)
    assert response.status_code == 201, response.text
    return data(response)


async def make_guide(client: httpx.AsyncClient, outbox: Outbox, **application: Any) -> Account:
    """A user whose guide application (resume + video) staff approved."""
    account = await register(client, outbox, first_name="Baraka")
    form = {
        "bio": "Born in Arusha, guiding climbers and walkers for ten years.",
        "region": "Arusha",
        "specializations": "Mountain treks, Wildlife",
        "languages": "English, Swahili",
        "years_experience": "10",
        **application,
    }
    response = await client.post(
        "/guides/apply",
        headers=account.headers,
        data=form,
        files={
            "resume": ("cv.pdf", samples.PDF, "application/pdf"),
            "video": ("intro.mp4", samples.mp4(), "video/mp4"),
        },
    )
    assert response.status_code == 201, response.text
    await providers.approve_verification(data(response)["id"], ObjectId(STAFF_REVIEWER))
    me = await client.get("/providers/me", headers=account.headers)
    account.extra["provider"] = data(me)
    return account


async def reference_ids(client: httpx.AsyncClient, category: str) -> dict[str, str]:
    """``{"category": id, <type name>: id, ...}`` of a seeded service category."""
    categories = data(await client.get("/references/service-categories"))
    found = next(c for c in categories if c["name"] == category)
    types = data(await client.get(f"/references/service-types/category/{found['id']}"))
    return {"category": found["id"], **{t["name"]: t["id"] for t in types}}


def round_trips_yield(monkeypatch: Any, collection: Any) -> None:
    """Writes to ``collection`` first yield to the event loop, as a round trip to MongoDB
    does: mongomock answers without yielding, which hides read-then-write races."""
    cls = type(collection)
    for name in ("update_one", "find_one_and_update"):
        original = getattr(cls, name)

        async def after_a_round_trip(
            self: Any, *args: Any, _write: Any = original, **kw: Any
        ) -> Any:
            await asyncio.sleep(0)
            return await _write(self, *args, **kw)

        monkeypatch.setattr(cls, name, after_a_round_trip)
