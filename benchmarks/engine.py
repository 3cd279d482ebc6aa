"""The embedded engine's own benchmark: search, writes as data grows, /health under load.

    .venv/bin/python benchmarks/engine.py                  # everything (a few minutes)
    .venv/bin/python benchmarks/engine.py search writes    # some parts only
    .venv/bin/python benchmarks/engine.py --stored 2000    # fewer stored services for writes

- ``search``: ``GET /api/v1/services?q=wedding&lat&lng&radius_km=50`` (facets included, a new
  point each request) over 300 and 1,000 listings, in-process over ASGI, and the bare
  aggregation on the collection: p50/p95.
- ``writes``: ``POST /api/v1/user-services`` p50 with no service stored and with
  ``--stored`` (10,000) stored; the ratio should stay near 1.
- ``health``: ``kwika``'s app served by uvicorn in a child process; 16 connections search
  while one asks ``GET /health``: the health p50/p99 against the same route alone.

Importable: ``search_figures``, ``write_figures`` and ``health_figures`` return dicts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # for tests.support (sign-up helpers) when run as a script
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from bson import ObjectId  # noqa: E402

from kwika.asgi import create_app  # noqa: E402
from kwika.config import Settings  # noqa: E402
from kwika.core import clock  # noqa: E402
from kwika.core.pagination import PageParams  # noqa: E402
from kwika.modules.discovery.documents import Listing  # noqa: E402
from kwika.modules.discovery.listings import ListingIn, _content  # noqa: E402
from kwika.modules.discovery.search import SearchQuery, _pipeline  # noqa: E402

DAR = (39.2083, -6.7924)  # lng, lat
WORDS = [
    "wedding",
    "photography",
    "catering",
    "decor",
    "sound",
    "tents",
    "flowers",
    "cake",
    "mc",
    "video",
    "lighting",
]
CATEGORIES = [str(ObjectId()) for _ in range(10)]


def settings_for(directory: Path) -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        secret_key="benchmark-secret-0123456789-abcdefghijkl",  # type: ignore[call-arg]
        mongodb_database="kwika_engine_benchmark",
        outbox_path=directory / "outbox.jsonl",
        media={"root": directory / "media"},  # type: ignore[arg-type]
        password_hash={"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1},  # type: ignore[arg-type]
        log_level="WARNING",
    )


def listing(rng: random.Random) -> dict[str, Any]:
    title = " ".join(rng.sample(WORDS, 3)).title()
    ref_id = str(ObjectId())
    data = ListingIn(
        kind="service",
        ref_id=ref_id,
        title=title,
        description=" ".join(rng.sample(WORDS, 6)),
        category_ids=[rng.choice(CATEGORIES)],
        district=rng.choice(["Kinondoni", "Ilala", "Temeke"]),
        latitude=DAR[1] + rng.uniform(-1.5, 1.5),
        longitude=DAR[0] + rng.uniform(-1.5, 1.5),
        price_min_minor=rng.randrange(100_000, 100_000_000, 1000),
        currency="TZS",
        rating=round(rng.uniform(1, 5), 1),
        review_count=rng.randrange(0, 300),
        verified=rng.random() < 0.4,
        completeness=rng.random(),
        created_at=clock.now(),
        card={"id": ref_id, "title": title},
    )
    return {
        "kind": "service",
        "ref_id": ObjectId(ref_id),
        "access_count": 0,
        "views_decayed": 0.0,
        "ranking_score": 0.0,
        **{k: v for k, v in _content(data).items() if v is not None},
    }


def search_params(rng: random.Random) -> dict[str, Any]:
    return {
        "q": "wedding",
        "lat": round(DAR[1] + rng.uniform(-0.3, 0.3), 5),
        "lng": round(DAR[0] + rng.uniform(-0.3, 0.3), 5),
        "radius_km": 50,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * share) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


@contextlib.asynccontextmanager
async def running_app() -> AsyncIterator[tuple[Any, httpx.AsyncClient, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(settings_for(Path(tmp)))
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench/api/v1"
            ) as http:
                yield app, http, Path(tmp)


async def search_figures(sizes: tuple[int, ...] = (300, 1000), requests: int = 40) -> dict:
    figures: dict[str, Any] = {}
    for size in sizes:
        async with running_app() as (_, http, _tmp):
            collection = Listing.get_motor_collection()
            rng = random.Random(2026)
            await collection.insert_many([listing(rng) for _ in range(size)])
            (await http.get("/services", params=search_params(rng))).raise_for_status()
            api = []
            for _ in range(requests):
                params = search_params(rng)
                started = time.perf_counter()
                response = await http.get("/services", params=params)
                api.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
            bare = []
            for _ in range(requests):
                params = search_params(rng)
                query = SearchQuery(
                    kinds=["service"],
                    q="wedding",
                    lat=params["lat"],
                    lng=params["lng"],
                    radius_km=50,
                )
                pipeline = _pipeline(query, PageParams(1, 20), ["wedding"])
                started = time.perf_counter()
                await collection.aggregate(pipeline).to_list(None)
                bare.append(time.perf_counter() - started)
        figures[size] = {
            "api_p50": statistics.median(api),
            "api_p95": percentile(api, 0.95),
            "bare_p50": statistics.median(bare),
        }
        print(
            f"search over {size:>5} listings  GET /services p50 {ms(figures[size]['api_p50'])}"
            f"  p95 {ms(figures[size]['api_p95'])}   bare aggregate p50 "
            f"{ms(figures[size]['bare_p50'])}",
            flush=True,
        )
    return figures


async def _create_service(http: httpx.AsyncClient, headers: dict, refs: dict, n: int) -> float:
    body = {
        "title": f"Lens Studio {n}",
        "description": "Wedding photography and video",
        "price": "250000",
        "service_type_id": refs["Wedding Photography"],
        "latitude": DAR[1],
        "longitude": DAR[0],
    }
    started = time.perf_counter()
    response = await http.post("/user-services", headers=headers, json=body)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text
    return elapsed


async def _clone_services(copies: int) -> None:
    """Store ``copies`` more services (and their listings) like the ones created over HTTP,
    directly in the collections: creating them over HTTP would take minutes."""
    from kwika.modules.catalogue.documents import Service

    services = Service.get_motor_collection()
    listings = Listing.get_motor_collection()
    service = await services.find_one({})
    listed = await listings.find_one({"ref_id": service["_id"]})
    batch_services, batch_listings = [], []
    for n in range(copies):
        new_id = ObjectId()
        owner = {"owner_id": ObjectId(), "provider_id": ObjectId()}  # many providers, one each
        batch_services.append({**service, "_id": new_id, "title": f"Stored {n}", **owner})
        if listed is not None:
            batch_listings.append(
                {**listed, "_id": ObjectId(), "ref_id": new_id, "provider_id": owner["provider_id"]}
            )
        if len(batch_services) == 1000 or n == copies - 1:
            await services.insert_many(batch_services)
            if batch_listings:
                await listings.insert_many(batch_listings)
            batch_services, batch_listings = [], []


async def write_figures(stored: int = 10_000, creations: int = 15) -> dict:
    from tests.support import Outbox, make_provider, reference_ids

    from kwika.core.broker import drain

    figures: dict[str, Any] = {}
    async with running_app() as (_, http, tmp):
        outbox = Outbox(tmp / "outbox.jsonl", drain)
        vendor = await make_provider(http, outbox)
        refs = await reference_ids(http, "Photography and Videography")
        await _create_service(http, vendor.headers, refs, -1)  # warm-up, and the template
        empty = [await _create_service(http, vendor.headers, refs, n) for n in range(creations)]
        await drain()  # discovery lists the services in the background: clone a listed one
        started = time.perf_counter()
        await _clone_services(stored)
        print(f"(stored {stored} services in {time.perf_counter() - started:.1f} s)", flush=True)
        if os.environ.get("KWIKA_BENCH_PROFILE"):
            import cProfile
            import pstats

            from kwika.core.embedded import thread

            profile = cProfile.Profile()
            await thread.run(profile.enable)
            await _create_service(http, vendor.headers, refs, 999)
            await thread.run(profile.disable)
            order = os.environ.get("KWIKA_BENCH_SORT", "cumulative")  # or tottime
            pstats.Stats(profile).sort_stats(order).print_stats(30)
        full = [await _create_service(http, vendor.headers, refs, n) for n in range(creations)]
    figures = {"empty_p50": statistics.median(empty), "full_p50": statistics.median(full)}
    figures["ratio"] = figures["full_p50"] / figures["empty_p50"]
    print(
        f"create a service  p50 with ~{creations} stored {ms(figures['empty_p50'])}"
        f"   with {stored} stored {ms(figures['full_p50'])}   ratio {figures['ratio']:.2f}",
        flush=True,
    )
    return figures


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _serve(port: int, size: int) -> None:
    """The child process: the app on uvicorn with ``size`` listings loaded."""
    import uvicorn

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(settings_for(Path(tmp)))
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event)
            await asyncio.sleep(0.05)
        rng = random.Random(2026)
        await Listing.get_motor_collection().insert_many([listing(rng) for _ in range(size)])
        print("ready", flush=True)
        await serving


async def _probe(http: httpx.AsyncClient, until: float, path: str) -> list[float]:
    latencies = []
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await http.get(path)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200
        await asyncio.sleep(0.01)
    return latencies


async def _search_loop(http: httpx.AsyncClient, until: float, seed: int) -> int:
    rng = random.Random(seed)
    done = 0
    while time.perf_counter() < until:
        response = await http.get("/api/v1/services", params=search_params(rng))
        assert response.status_code == 200, response.text
        done += 1
    return done


async def health_figures(size: int = 1000, seconds: float = 10, connections: int = 16) -> dict:
    port = _free_port()
    child = subprocess.Popen(  # noqa: ASYNC220 (started once, before any load)
        [sys.executable, __file__, "_serve", "--port", str(port), "--size", str(size)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        assert child.stdout is not None
        while child.stdout.readline().strip() != b"ready":
            if child.poll() is not None:
                raise RuntimeError("the server did not start")
        base = f"http://127.0.0.1:{port}"
        limits = httpx.Limits(max_connections=connections + 2)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
            alone = await _probe(http, time.perf_counter() + 3, "/health")
            until = time.perf_counter() + seconds
            searches = [_search_loop(http, until, seed) for seed in range(connections)]
            results = await asyncio.gather(_probe(http, until, "/health"), *searches)
        loaded, done = results[0], sum(results[1:])
    finally:
        child.terminate()
        child.wait(timeout=30)
    figures = {
        "alone_p50": statistics.median(alone),
        "alone_p99": percentile(alone, 0.99),
        "loaded_p50": statistics.median(loaded),
        "loaded_p99": percentile(loaded, 0.99),
        "searches_per_second": done / seconds,
    }
    print(
        f"GET /health alone p50 {ms(figures['alone_p50'])} p99 {ms(figures['alone_p99'])};"
        f" while {connections} connections search {size} listings"
        f" ({figures['searches_per_second']:.1f} searches/s): p50 {ms(figures['loaded_p50'])}"
        f" p99 {ms(figures['loaded_p99'])}",
        flush=True,
    )
    return figures


async def main(args: argparse.Namespace) -> None:
    parts = args.parts or ["search", "writes", "health"]
    if "search" in parts:
        await search_figures(requests=args.requests)
    if "writes" in parts:
        await write_figures(stored=args.stored)
    if "health" in parts:
        await health_figures()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve_parser = argparse.ArgumentParser()
        serve_parser.add_argument("_serve")
        serve_parser.add_argument("--port", type=int)
        serve_parser.add_argument("--size", type=int)
        serve_args = serve_parser.parse_args()
        asyncio.run(_serve(serve_args.port, serve_args.size))
    else:
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("parts", nargs="*", choices=["search", "writes", "health", []])
        parser.add_argument("--stored", type=int, default=10_000)
        parser.add_argument("--requests", type=int, default=40)
        asyncio.run(main(parser.parse_args()))
