"""Kwika against a raw ASGI app, side by side on this machine: one command, one table.

    .venv/bin/python benchmarks/run.py [--services 300|1000] [--sections routes,...]
                                       [--duration 5] [--server uvicorn|granian]

Starts a minimal ASGI app (the same small JSON as ``GET /health``) and ``kwika serve`` on the
embedded default as subprocesses on loopback, seeds Kwika (accounts and one service over
HTTP, then N search listings cloned into the embedded data file), drives load from other
processes (wrk when installed, else a bundled aiohttp client) and prints one table. Ratios
to the raw app, not absolute times, are what carry across machines. See README.md.

Every load loop is bounded in time and in count; only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
DAR = (-6.7924, 39.2083)  # lat, lng
PASSWORD = "Kwika-Bench-2026!"
SECTIONS = ("routes", "search-load", "connections", "socketio", "fanout")
WORDS = ["photography", "catering", "decor", "sound", "tents", "flowers", "cake", "mc"]
HARD_CAP = 200_000  # requests any one python-client run may send, whatever its duration

# --------------------------------------------------------------------------- the raw app

_RAW_BODY = json.dumps(
    {"success": True, "message": "Alive", "data": {"status": "ok"}}, separators=(",", ":")
).encode()


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The baseline: no framework, the same bytes ``GET /health`` answers."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_RAW_BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _RAW_BODY})


# --------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _wait_ready(url: str, timeout: float = 90.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


# Base URL -> server process id, to measure the CPU time a run costs the server.
_SERVERS: dict[str, int] = {}


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants (Kwika's private redis-server included)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        family.update(children)
        frontier += children
    return sum(times.get(member, 0.0) for member in family)


@contextmanager
def _process(
    command: list[str], base: str, ready_path: str, log: Path, env: dict[str, str]
) -> Iterator[None]:
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_ready(base + ready_path)
        _SERVERS[base] = process.pid
        yield
    finally:
        _SERVERS.pop(base, None)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _raw_command(server: str, port: int) -> list[str]:
    here = str(Path(__file__).resolve().parent)
    if server == "granian":
        return [
            _bin("granian"),
            "--interface",
            "asgi",
            "--host",
            HOST,
            "--port",
            str(port),
            "--working-dir",
            here,
            "--no-ws",
            "run:raw_app",
        ]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        here,
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "run:raw_app",
    ]


def _kwika_env(tmp: Path, log_level: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("KWIKA_") and k not in ("KWIKA_REDIS_BINARY",))
    }
    env.update(
        {
            "KWIKA_SECRET_KEY": "benchmark-secret-0123456789-abcdefghijklmn",
            "KWIKA_OUTBOX_PATH": str(tmp / "outbox.jsonl"),
            "KWIKA_EMBEDDED_DATA_FILE": str(tmp / "data.json"),
            "KWIKA_PASSWORD_HASH__TIME_COST": "1",
            "KWIKA_PASSWORD_HASH__MEMORY_COST_KIB": "1024",
            "KWIKA_LOG_LEVEL": log_level,
            # One sender sends every round-trip message by receiver id (the product allows
            # 30 messages a minute and 30 conversation starts an hour).
            "KWIKA_MESSAGING__SEND_LIMIT": "100000",
            "KWIKA_MESSAGING__START_LIMIT": "100000",
        }
    )
    return env


def _kwika_command(server: str, port: int) -> list[str]:
    command = [_bin("kwika"), "serve", "--host", HOST, "--port", str(port)]
    if server != "uvicorn":
        command += ["--server", server]
    return command


# --------------------------------------------------------------------------- seeding


@dataclass
class Seeded:
    service_id: str
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)


def _outbox_code(outbox: Path, to: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if outbox.exists():
            for line in reversed(outbox.read_text().splitlines()):
                message = json.loads(line)
                if message.get("to") == to and message.get("template") == "verify_code":
                    return re.findall(r"\b(\d{6})\b", message["body"])[0]
        time.sleep(0.1)
    raise SystemExit(f"no verification code for {to} in {outbox}")


def _account(http: Any, outbox: Path, name: str) -> tuple[str, str]:
    email = f"{name}@bench.example.com"
    created = http.post(
        "/users/signup",
        json={
            "first_name": name.title(),
            "last_name": "Bench",
            "email": email,
            "password": PASSWORD,
        },
    )
    created.raise_for_status()
    user_id = created.json()["data"]["id"]
    verified = http.post(
        "/users/verify-otp",
        json={
            "user_id": user_id,
            "verification_type": "email",
            "otp_code": _outbox_code(outbox, email),
        },
    )
    verified.raise_for_status()
    signed = http.post("/auth/signin", json={"credential": email, "password": PASSWORD})
    signed.raise_for_status()
    return user_id, signed.json()["data"]["access_token"]


def _seed_over_http(base: str, outbox: Path) -> Seeded:
    import httpx

    with httpx.Client(base_url=f"{base}/api/v1", timeout=30) as http:
        vendor_id, vendor = _account(http, outbox, "vendor")
        auth = {"Authorization": f"Bearer {vendor}"}
        http.post("/providers/me", headers=auth, json={"kinds": ["vendor"]}).raise_for_status()
        categories = http.get("/references/service-categories").json()["data"]
        category = next(c for c in categories if c["name"] == "Photography and Videography")
        types = http.get(f"/references/service-types/category/{category['id']}").json()["data"]
        created = http.post(
            "/user-services",
            headers=auth,
            json={
                "title": "Msasani Wedding Photography",
                "description": "Wedding photography and video across Dar es Salaam",
                "price": "400000",
                "service_type_id": types[0]["id"],
                "latitude": DAR[0] + 0.04,
                "longitude": DAR[1] + 0.06,
                "location": "Dar es Salaam, Msasani",
            },
        )
        created.raise_for_status()
        seeded = Seeded(service_id=created.json()["data"]["id"])
        seeded.tokens["vendor"], seeded.user_ids["vendor"] = vendor, vendor_id
        for name in ("alice", "bob", "idle"):
            seeded.user_ids[name], seeded.tokens[name] = _account(http, outbox, name)
        return seeded


def _clone_listings(data_file: Path, total: int) -> None:
    """Add ``total - 1`` copies of the seeded service's listing around Dar es Salaam (over
    HTTP each would cost a full create; the search only reads the listings)."""
    from bson import ObjectId, json_util

    options = json_util.JSONOptions(
        json_mode=json_util.JSONMode.CANONICAL, tz_aware=True, tzinfo=None
    )
    snapshot = json_util.loads(data_file.read_text(), json_options=options)
    listings = snapshot["collections"]["listings"]
    template = next(doc for doc in listings if doc.get("kind") == "service")
    rng = random.Random(2026)
    for n in range(total - 1):
        clone = json_util.loads(json_util.dumps(template, json_options=options))
        clone["_id"] = ObjectId()
        clone["ref_id"] = ObjectId()
        words = rng.sample(WORDS, 2) + (["wedding"] if n % 3 == 0 else [])
        title = " ".join(words).title()
        clone["title"] = title
        clone["title_key"] = title.lower()
        clone["search_text"] = f"{title.lower()} {' '.join(rng.sample(WORDS, 3))}"
        clone["terms"] = sorted(set(clone["search_text"].split()))
        clone["location"] = {
            "type": "Point",
            "coordinates": [DAR[1] + rng.uniform(-1.0, 1.0), DAR[0] + rng.uniform(-1.0, 1.0)],
        }
        clone["rating"] = round(rng.uniform(1, 5), 1)
        clone["card"] = {**clone.get("card", {}), "id": str(clone["ref_id"]), "title": title}
        listings.append(clone)
    data_file.write_text(json_util.dumps(snapshot, json_options=options))


# --------------------------------------------------------------------------- load


def _settle(base: str, limit: float = 60.0) -> None:
    """Wait until the server has worked off what an earlier run left queued (a load
    generator stops sending, the server still answers what it received)."""
    import httpx

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with suppress(httpx.TransportError):
            httpx.get(base + "/health", timeout=10)
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


_WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p99_us\\":%d," ..
    "\\"errors\\":%d,\\"non2xx\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""

_WRK_SEARCH = """
math.randomseed(os.time())
request = function()
  local lat = %f + (math.random() - 0.5)
  local lng = %f + (math.random() - 0.5)
  return wrk.format("GET", string.format(
    "/api/v1/services?q=wedding&lat=%%.5f&lng=%%.5f&radius_km=50", lat, lng))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    cpu_s: float = 0.0  # the server's CPU time during the run

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def per_cpu(self) -> float:
        """Requests per CPU second of the server: on a machine shared with other work this
        is steadier than req/s, and equal to it when the server has a core to itself."""
        return self.requests / self.cpu_s if self.cpu_s else 0.0


def _search_path(rng: random.Random) -> str:
    lat = DAR[0] + rng.uniform(-0.5, 0.5)
    lng = DAR[1] + rng.uniform(-0.5, 0.5)
    return f"/api/v1/services?q=wedding&lat={lat:.5f}&lng={lng:.5f}&radius_km=50"


def _start_load(
    base: str, path: str, connections: int, seconds: float, tmp: Path, use_wrk: bool
) -> subprocess.Popen[str]:
    search = path == "SEARCH"
    if use_wrk:
        script = tmp / f"wrk-{time.monotonic_ns()}.lua"
        body = (_WRK_SEARCH % DAR) if search else ""
        script.write_text(body + _WRK_DONE)
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base + ("/" if search else path),
        ]
    else:
        command = [
            sys.executable,
            __file__,
            "--_load",
            base,
            path,
            str(connections),
            str(seconds),
        ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _finish_load(process: subprocess.Popen[str]) -> Load:
    output, _ = process.communicate(timeout=120)
    match = re.search(r"RESULT (\{.*\})", output)
    if match is None:
        raise SystemExit(f"load generator failed: {output[-400:]}")
    r = json.loads(match.group(1))
    return Load(
        requests=r["requests"],
        seconds=r["duration_us"] / 1e6,
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        errors=r["errors"] + r["non2xx"],
    )


def _load(base: str, path: str, connections: int, seconds: float, tmp: Path, wrk: bool) -> Load:
    pid = _SERVERS.get(base)
    before = _cpu_seconds(pid) if pid else 0.0
    load = _finish_load(_start_load(base, path, connections, seconds, tmp, wrk))
    if pid:
        load.cpu_s = _cpu_seconds(pid) - before
    return load


async def _python_load(base: str, path: str, connections: int, seconds: float) -> None:
    """The bundled load generator (when wrk is missing): keep-alive connections, each
    sending one request after the other until the time or the request cap runs out."""
    import aiohttp

    rng = random.Random()
    latencies: list[float] = []
    errors = {"n": 0}
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one_connection() -> None:
            while time.perf_counter() < deadline and len(latencies) < HARD_CAP:
                url = base + (_search_path(rng) if path == "SEARCH" else path)
                started = time.perf_counter()
                try:
                    async with session.get(url) as response:
                        await response.read()
                        if response.status >= 300:
                            errors["n"] += 1
                except (aiohttp.ClientError, TimeoutError):
                    errors["n"] += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one_connection() for _ in range(connections)))
        wall = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    result = {
        "requests": len(latencies),
        "duration_us": int(wall * 1e6),
        "p50_us": int(ordered[len(ordered) // 2] * 1e6),
        "p99_us": int(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6),
        "errors": errors["n"],
        "non2xx": 0,
    }
    print("RESULT " + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- Socket.IO


async def _socketio_round_trip(base: str, tokens: dict[str, str], clients: int) -> None:
    """``clients`` connected in all (idle ones included); alice sends bob direct messages
    one at a time; the time from her emit to bob's ``new_message`` is the round trip."""
    import socketio

    async def connect(token: str) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=20)
        return client

    alice = await connect(tokens["alice"])
    bob = await connect(tokens["bob"])
    idle: list[socketio.AsyncClient] = []
    for start in range(0, clients - 2, 25):
        batch = min(25, clients - 2 - start)
        idle += await asyncio.gather(*(connect(tokens["idle"]) for _ in range(batch)))
    arrived: dict[str, asyncio.Future[float]] = {}

    @bob.on("new_message")  # type: ignore[untyped-decorator]
    async def on_message(payload: dict[str, Any]) -> None:
        future = arrived.get(payload.get("content", ""))
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    loop = asyncio.get_running_loop()
    samples: list[float] = []
    reasons: list[str] = []
    failures = 0
    deadline = time.monotonic() + 45
    for n in range(200):
        if time.monotonic() > deadline:
            break
        content = f"bench message {n}"
        arrived[content] = loop.create_future()
        sent = time.perf_counter()
        acknowledged: asyncio.Future[Any] = loop.create_future()
        await alice.emit(
            "send_message",
            {"receiver_id": tokens["bob_id"], "content": content},
            callback=lambda answer, done=acknowledged: done.done() or done.set_result(answer),
        )
        try:
            samples.append(await asyncio.wait_for(arrived[content], timeout=5) - sent)
        except TimeoutError:
            failures += 1
            if acknowledged.done() and not reasons:
                reasons.append(str(acknowledged.result())[:200])
    for client in [alice, bob, *idle]:
        await client.disconnect()
    ordered = sorted(samples) or [0.0]
    print(
        "RESULT "
        + json.dumps(
            {
                "clients": 2 + len(idle),
                "messages": len(samples),
                "failures": failures,
                "first_failure": reasons[0] if reasons else "",
                "p50_ms": ordered[len(ordered) // 2] * 1000,
                "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
            }
        ),
        flush=True,
    )


# --------------------------------------------------------------------------- fan-out


async def _fanout(count: int) -> None:
    """In one process like the embedded default: ``count`` notifications to one user, and
    the time until every email is in the outbox (the in-process worker delivers them)."""
    import httpx
    from asgi_lifespan import LifespanManager

    from kwika.asgi import create_app
    from kwika.config import Settings
    from kwika.modules.notifications import notify

    with tempfile.TemporaryDirectory() as tmp:
        outbox = Path(tmp) / "outbox.jsonl"
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            secret_key="benchmark-secret-0123456789-abcdefghijklmn",
            outbox_path=outbox,
            log_level="WARNING",
        )
        app = create_app(settings)
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench/api/v1") as h:
                email = "fanout@bench.example.com"
                created = await h.post(
                    "/users/signup",
                    json={
                        "first_name": "Fan",
                        "last_name": "Out",
                        "email": email,
                        "password": PASSWORD,
                    },
                )
                user_id = created.json()["data"]["id"]
                code = ""
                for _ in range(200):  # the code email, sent by the in-process worker
                    if outbox.exists() and email in outbox.read_text():
                        code = re.findall(r"\b(\d{6})\b", outbox.read_text())[-1]
                        break
                    await asyncio.sleep(0.05)
                verified = await h.post(
                    "/users/verify-otp",
                    json={"user_id": user_id, "verification_type": "email", "otp_code": code},
                )
                verified.raise_for_status()  # only verified addresses get email
                await asyncio.sleep(1)  # let the welcome email land before counting
            before = len(outbox.read_text().splitlines()) if outbox.exists() else 0
            started = time.perf_counter()
            for n in range(count):
                await notify(user_id, "security", f"Bench {n}", f"Notification {n}")
            queued = time.perf_counter() - started
            deadline = time.monotonic() + 60
            delivered = 0
            while time.monotonic() < deadline:
                lines = outbox.read_text().splitlines() if outbox.exists() else []
                delivered = len(lines) - before
                if delivered >= count:
                    break
                await asyncio.sleep(0.05)
            total = time.perf_counter() - started
    print(
        "RESULT "
        + json.dumps(
            {"count": count, "delivered": delivered, "queued_s": queued, "total_s": total}
        ),
        flush=True,
    )


def _run_child(arguments: list[str], timeout: float) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    match = re.search(r"RESULT (\{.*\})", output.stdout)
    if match is None:
        raise SystemExit(f"{arguments[0]} failed:\n{output.stdout[-600:]}\n{output.stderr[-1500:]}")
    result: dict[str, Any] = json.loads(match.group(1))
    return result


# --------------------------------------------------------------------------- the table

Row = tuple[str, ...]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2f}"


def _row(name: str, load: Load, raw: Load | None) -> Row:
    ratio = f"{load.rate / raw.rate:.3f}x" if raw and raw.rate else ""
    cpu_ratio = f"{load.per_cpu / raw.per_cpu:.3f}x" if raw and raw.per_cpu and load.cpu_s else ""
    suffix = f" ({load.errors} errors)" if load.errors else ""
    return (
        name + suffix,
        _number(load.rate),
        f"{load.p50_ms:.2f} ms",
        f"{load.p99_ms:.2f} ms",
        ratio,
        _number(load.per_cpu) if load.cpu_s else "",
        cpu_ratio,
    )


def _print_table(rows: list[Row], notes: list[str]) -> None:
    header: Row = ("what", "req/s", "p50", "p99", "ratio", "req/CPU-s", "ratio per CPU")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line.format(*row))
    for note in notes:
        print(note)


def main(args: argparse.Namespace) -> None:
    sections = set(args.sections.split(",")) if args.sections != "all" else set(SECTIONS)
    unknown = sections - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    d = args.duration
    rows: list[Row] = []
    notes: list[str] = []
    begun = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kwika-bench-") as name:
        tmp = Path(name)
        env = _kwika_env(tmp, args.log_level)
        log = tmp / "kwika.log"
        raw_port, port = _free_port(), _free_port()
        raw_base, base = f"http://{HOST}:{raw_port}", f"http://{HOST}:{port}"
        print(
            f"server {args.server}, load from {'wrk' if use_wrk else 'the bundled client'}, "
            f"{args.services} services, {d:.0f} s per run",
            flush=True,
        )
        with _process(_kwika_command(args.server, port), base, "/health", log, env):
            seeded = _seed_over_http(base, tmp / "outbox.jsonl")
        _clone_listings(tmp / "data.json", args.services)
        print(f"seeded in {time.monotonic() - begun:.0f} s", flush=True)
        raw_cmd = _raw_command(args.server, raw_port)
        with (
            _process(raw_cmd, raw_base, "/", tmp / "raw.log", dict(os.environ)),
            _process(_kwika_command(args.server, port), base, "/health", log, env),
        ):
            service = f"/api/v1/services/{seeded.service_id}"
            _load(base, service, 2, 1, tmp, use_wrk)  # fills the cache
            _load(base, "SEARCH", 1, 1, tmp, use_wrk)  # warms up the search path
            raw: Load | None = None
            if "routes" in sections or "connections" in sections:
                raw = _load(raw_base, "/", 16, d, tmp, use_wrk)
                rows.append(_row("raw ASGI app (same JSON)", raw, raw))
            if "routes" in sections:
                for label, path, connections in (
                    ("GET /health", "/health", 16),
                    ("GET /api/v1/references/currencies", "/api/v1/references/currencies", 16),
                    ("GET /api/v1/services/{id} (cached page)", service, 16),
                    ("GET /api/v1/services?q=wedding&lat&lng (1 conn)", "SEARCH", 1),
                    ("GET /health alone, 1 connection", "/health", 1),
                ):
                    rows.append(_row(label, _load(base, path, connections, d, tmp, use_wrk), raw))
            if "search-load" in sections:
                searching = _start_load(base, "SEARCH", 16, d + 1, tmp, use_wrk)
                time.sleep(0.5)
                health = _load(base, "/health", 1, d - 0.5, tmp, use_wrk)
                search = _finish_load(searching)
                rows.append(_row("GET /services, 16 connections", search, None))
                rows.append(_row("GET /health while 16 connections search", health, None))
            if "connections" in sections:
                _settle(base)
                raw_many = _load(raw_base, "/", 1000, d, tmp, use_wrk)
                many = _load(base, "/health", 1000, d, tmp, use_wrk)
                rows.append(_row("raw app, 1,000 connections", raw_many, raw))
                rows.append(_row("GET /health, 1,000 connections", many, raw))
                spread = many.p99_ms / max(many.p50_ms, 1e-6)
                raw_spread = raw_many.p99_ms / max(raw_many.p50_ms, 1e-6)
                notes.append(
                    f"1,000 connections: Kwika p99/p50 = {spread:.1f} "
                    f"(raw app {raw_spread:.1f}); goal <= 4"
                )
            if "socketio" in sections:
                tokens = {**seeded.tokens, "bob_id": seeded.user_ids["bob"]}
                result = _run_child(
                    ["--_socketio", base, json.dumps(tokens), str(args.socket_clients)], 120
                )
                notes.append(
                    f"Socket.IO, {result['clients']} clients connected: message round trip "
                    f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms over "
                    f"{result['messages']} messages ({result['failures']} lost); goal p95 < 50 ms"
                    + (f"; first loss: {result['first_failure']}" if result["failures"] else "")
                )
        if "fanout" in sections:
            result = _run_child(["--_fanout", str(args.notifications)], 150)
            notes.append(
                f"fan-out: {result['delivered']}/{result['count']} notifications in the outbox "
                f"after {result['total_s']:.1f} s (created in {result['queued_s']:.1f} s); "
                "goal < 10 s"
            )
    _print_table(rows, notes)
    print(f"(whole run {time.monotonic() - begun:.0f} s)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=300, help="search listings (300|1000)")
    parser.add_argument(
        "--sections", default="all", help=f"comma-separated, from {','.join(SECTIONS)}"
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per load run")
    parser.add_argument("--server", choices=("uvicorn", "granian"), default="uvicorn")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--socket-clients", type=int, default=200)
    parser.add_argument("--notifications", type=int, default=1000)
    parser.add_argument("--log-level", default="INFO", help="Kwika's KWIKA_LOG_LEVEL")
    return parser.parse_args()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_load":
        base, path, connections, seconds = sys.argv[2:6]
        asyncio.run(_python_load(base, path, int(connections), min(float(seconds), 60.0)))
    elif len(sys.argv) > 1 and sys.argv[1] == "--_socketio":
        tokens = json.loads(sys.argv[3])
        asyncio.run(_socketio_round_trip(sys.argv[2], tokens, int(sys.argv[4])))
    elif len(sys.argv) > 1 and sys.argv[1] == "--_fanout":
        asyncio.run(_fanout(int(sys.argv[2])))
    else:
        main(_arguments())
