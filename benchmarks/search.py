"""Service search benchmark: the API against a bare driver call on the same data.

    .venv/bin/python benchmarks/search.py [--services 10000] [--requests 200]
                                          [--mongodb-uri mongodb://...]

Loads N located services around Dar es Salaam into the discovery read model, then measures
a text + category + radius query (the app's GET /services, in-process over ASGI) and the
very same aggregation run directly on the motor collection. The difference is what the
framework (routing, validation, envelope, serialisation) costs per request.
Without --mongodb-uri it runs on the embedded engine (mongomock), whose absolute numbers
say little about MongoDB; the ratio between the two columns is the interesting part.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from bson import ObjectId

from kwika.asgi import create_app
from kwika.config import Settings
from kwika.core import clock
from kwika.core.pagination import PageParams
from kwika.modules.discovery.documents import Listing
from kwika.modules.discovery.listings import ListingIn, _content
from kwika.modules.discovery.search import SearchQuery, _pipeline

DAR = (39.2083, -6.7924)
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
    "transport",
    "makeup",
    "security",
    "venue",
    "band",
]
CATEGORIES = [str(ObjectId()) for _ in range(10)]


def _service(n: int, rng: random.Random) -> dict[str, Any]:
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


def _summary(name: str, latencies: list[float], wall: float) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    p50 = statistics.median(ordered)
    rate = len(latencies) / wall
    return f"{name:<28} {rate:>9.1f} req/s   p50 {p50 * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            secret_key="benchmark-secret-0123456789-abcdefghijkl",  # type: ignore[call-arg]
            mongodb_uri=args.mongodb_uri,
            mongodb_database="kwika_benchmark",
            outbox_path=Path(tmp) / "outbox.jsonl",
            log_level="WARNING",
        )
        app = create_app(settings)
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            collection = Listing.get_motor_collection()
            await collection.delete_many({"kind": "service"})
            rng = random.Random(2026)
            started = time.perf_counter()
            docs = [_service(n, rng) for n in range(args.services)]
            for start in range(0, len(docs), 1000):
                await collection.insert_many(docs[start : start + 1000])
            print(
                f"loaded {args.services} services in {time.perf_counter() - started:.1f} s "
                f"({'MongoDB' if args.mongodb_uri else 'embedded engine'})"
            )

            params = {
                "q": "wedding",
                "category_id": CATEGORIES[0],
                "lat": DAR[1],
                "lng": DAR[0],
                "radius_km": 60,
                "limit": 20,
            }
            query = SearchQuery(
                kinds=["service"],
                q="wedding",
                category_ids=[CATEGORIES[0]],
                lat=DAR[1],
                lng=DAR[0],
                radius_km=60,
            )
            pipeline = _pipeline(query, PageParams(1, 20), ["wedding"])

            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench/api/v1"
            ) as http:
                first = await http.get("/services", params=params)
                first.raise_for_status()
                total = first.json()["data"]["pagination"]["total_items"]
                api: list[float] = []
                wall = time.perf_counter()
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    response = await http.get("/services", params=params)
                    api.append(time.perf_counter() - t0)
                    assert response.status_code == 200
                api_wall = time.perf_counter() - wall

            bare: list[float] = []
            wall = time.perf_counter()
            for _ in range(args.requests):
                t0 = time.perf_counter()
                rows = await collection.aggregate(pipeline).to_list(None)
                bare.append(time.perf_counter() - t0)
                assert rows[0]["total"][0]["n"] == total
            bare_wall = time.perf_counter() - wall

            print(f"query: q=wedding + category + 60 km radius -> {total} matches, page of 20")
            print(_summary("GET /services (API)", api, api_wall))
            print(_summary("bare motor aggregate", bare, bare_wall))
            share = (statistics.median(api) - statistics.median(bare)) / statistics.median(api)
            print(f"framework share of the median request: {share:.0%}")
            await collection.delete_many({"kind": "service"})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--mongodb-uri", default=None)
    asyncio.run(main(parser.parse_args()))
