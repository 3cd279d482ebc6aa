"""Search at the scale of a real marketplace page, relevance details, featured providers
and the experience filters (seed 003 9.1 + addendum, seed 000 1.2, seed 002 Task 6)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from bson import ObjectId

from kwika.core import clock
from kwika.core.broker import drain, enqueue
from kwika.modules.discovery import listings, tasks
from kwika.modules.discovery.listings import ListingIn
from tests.support import data, make_provider, settle

DAR = {"lat": -6.7924, "lng": 39.2083}


async def feed(kind="service", title="Listing", card=None, **fields):
    ref_id = str(ObjectId())
    values = {
        "kind": kind,
        "ref_id": ref_id,
        "title": title,
        "created_at": clock.now(),
        "card": {"id": ref_id, "title": title, **(card or {})},
        **fields,
    }
    await listings.upsert(ListingIn(**values))
    return ref_id


async def every_page(client, path, limit, **params):
    """All pages of one search, checking the pagination block of each."""
    seen, page = [], 1
    while True:
        response = await client.get(path, params={**params, "page": page, "limit": limit})
        assert response.status_code == 200, response.text
        body = data(response)
        meta = body["pagination"]
        assert meta["page"] == page
        assert meta["has_previous"] is (page > 1)
        seen.extend(body["items"])
        if not meta["has_next"]:
            assert len(seen) == meta["total_items"]
            return seen
        assert len(body["items"]) == limit
        page += 1


@pytest.fixture
async def hundred_fifty(app):
    """150 services around Dar es Salaam with many ties in every sort key."""
    rng = random.Random(11)
    ids = []
    start = clock.now()
    for n in range(150):
        rating = rng.choice([3.0, 4.0, 4.5, 5.0])
        reviews = rng.choice([0, 3, 10])
        price = rng.choice([100_000, 250_000, 500_000]) * 100
        ids.append(
            await feed(
                title=f"Event Service {n}",
                card={"rating": rating, "reviews": reviews, "price": price},
                description="photography catering decor",
                latitude=DAR["lat"] + rng.uniform(-1, 1),
                longitude=DAR["lng"] + rng.uniform(-1, 1),
                rating=rating,
                review_count=reviews,
                price_min_minor=price,
                currency="TZS",
                verified=n % 5 == 0,
                created_at=start - timedelta(hours=n % 7),  # seven distinct creation times
            )
        )
    return ids


@pytest.mark.parametrize(
    "sort_by",
    ["relevance", "distance", "rating", "reviews", "price_low", "price_high", "newest", "ranking"],
)
async def test_paging_through_150_services_never_repeats_or_skips(client, hundred_fifty, sort_by):
    params = {"sort_by": sort_by, "q": "photography"}
    if sort_by == "distance":
        params.update(DAR, radius_km=500)
    items = await every_page(client, "/services", 40, **params)
    ids = [item["id"] for item in items]
    assert len(ids) == 150
    assert set(ids) == set(hundred_fifty)
    keys = {
        "rating": lambda item: -item["rating"],
        "reviews": lambda item: -item["reviews"],
        "price_low": lambda item: item["price"],
        "price_high": lambda item: -item["price"],
        "distance": lambda item: item["distance_km"],
    }
    if sort_by in keys:
        values = [keys[sort_by](item) for item in items]
        assert values == sorted(values)


async def test_a_title_match_is_worth_ten_relevance_points(client):
    # Base scores (out of 65): rating 25 * r/5, verified 10; no reviews, no completeness.
    in_title = await feed(title="Garden Venue", rating=4.0)  # 20 + 10 for the title
    in_text = await feed(title="Hall", description="garden wedding", rating=5.0)  # 25
    strong = await feed(title="Palace", description="garden hall", rating=5.0, verified=True)  # 35
    page = data(await client.get("/services", params={"q": "garden"}))
    assert [item["id"] for item in page["items"]] == [strong, in_title, in_text]


async def test_featured_providers_follow_their_page_views(client, outbox):
    first = await make_provider(client, outbox, bio="Weddings")
    second = await make_provider(client, outbox, bio="Birthdays")
    popular_id = second.extra["provider"]["id"]
    await settle()  # both are listed (in the background) before their views are counted
    for _ in range(3):
        assert (await client.get(f"/providers/{popular_id}")).status_code == 200
    await enqueue(tasks.flush_views)
    await drain()
    page = data(await client.get("/providers/featured"))
    ids = [item["id"] for item in page["items"]]
    assert ids[:2] == [popular_id, first.extra["provider"]["id"]]
    assert page["items"][0]["access_count"] == 3
    assert page["items"][1]["access_count"] == 0
    assert page["items"][0]["ranking_score"] > page["items"][1]["ranking_score"]
    assert page["pagination"]["total_items"] == 2


async def test_experience_filters_price_location_and_rating(client):
    walk = await feed(
        kind="experience",
        title="City Walk",
        category_names=["cultural"],
        location_text="Stone Town, Zanzibar",
        price_min_minor=3_000_000,
        currency="TZS",
        rating=4.8,
    )
    dive = await feed(
        kind="experience",
        title="Reef Dive",
        category_names=["adventure"],
        location_text="Mnemba, Zanzibar",
        price_min_minor=15_000_000,
        currency="TZS",
        rating=4.2,
    )
    climb = await feed(
        kind="experience",
        title="Kilimanjaro Day Hike",
        category_names=["adventure"],
        location_text="Moshi",
        price_min_minor=9_000_000,
        currency="TZS",
        rating=3.9,
    )
    await feed(kind="service", title="Zanzibar Catering", location_text="Zanzibar", rating=5.0)

    async def found(**params):
        response = await client.get("/experiences", params=params)
        assert response.status_code == 200, response.text
        return {item["id"] for item in data(response)["items"]}

    assert await found() == {walk, dive, climb}
    assert await found(max_price="100000") == {walk, climb}
    assert await found(min_price="100000") == {dive}
    assert await found(min_price="50000", max_price="120000") == {climb}
    assert await found(location="zanzibar") == {walk, dive}
    assert await found(min_rating=4.5) == {walk}
    assert await found(location="zanzibar", min_rating=4, category="adventure") == {dive}
    assert await found(max_price="10", currency="USD") == set()
