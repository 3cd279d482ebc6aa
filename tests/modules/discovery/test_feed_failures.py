"""A failing discovery feed never turns a provider's saved change into an error: the change
is stored and answered 200, and the listing catches up when the feed's retry succeeds."""

from __future__ import annotations

import pytest

from kwika.modules.discovery import listings
from tests.support import data, make_provider, reference_ids, settle

DAR = {"latitude": -6.7924, "longitude": 39.2083}


@pytest.fixture
def failing_feed(monkeypatch):
    """The discovery store refuses its next write (a read model that is down for a moment)."""
    upsert = listings.upsert
    attempts = {"failed": 0, "calls": 0}

    async def fails_once(listing_in):
        attempts["calls"] += 1
        if attempts["failed"] == 0:
            attempts["failed"] = 1
            raise ConnectionError("the search store was unreachable")
        await upsert(listing_in)

    def arm():
        attempts.update(failed=0, calls=0)
        monkeypatch.setattr(listings, "upsert", fails_once)
        return attempts

    return arm


async def found(client, path, **params):
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in data(response)["items"]]


async def test_a_service_update_is_stored_although_the_feed_fails(client, outbox, failing_feed):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    created = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "Kilimanjaro Lens",
            "description": "Weddings in Moshi",
            "service_type_id": refs["Wedding Photography"],
            "price": "500000",
            **DAR,
        },
    )
    assert created.status_code == 201, created.text
    service_id = data(created)["id"]
    await settle()
    attempts = failing_feed()

    updated = await client.put(
        f"/user-services/{service_id}", headers=vendor.headers, json={"title": "Moshi Lens"}
    )

    assert updated.status_code == 200, updated.text
    assert data(updated)["title"] == "Moshi Lens"
    own = await client.get(f"/user-services/{service_id}", headers=vendor.headers)
    assert data(own)["title"] == "Moshi Lens"
    await settle()  # the feed failed once, then its retry refreshed the listing
    assert attempts["failed"] == 1
    assert attempts["calls"] >= 2
    assert await found(client, "/services", q="moshi") == [service_id]
    assert await found(client, "/services", q="kilimanjaro") == []


async def test_a_provider_update_is_stored_although_the_feed_fails(client, outbox, failing_feed):
    vendor = await make_provider(client, outbox, bio="Pipes", skills=["Plumbing"], **DAR)
    provider_id = vendor.extra["provider"]["id"]
    await settle()
    assert await found(client, "/providers", skill="plumbing") == [provider_id]
    attempts = failing_feed()

    response = await client.put(
        "/providers/me", headers=vendor.headers, json={"skills": ["Tiling"]}
    )

    assert response.status_code == 200, response.text
    assert data(response)["skills"] == ["Tiling"]
    stored = data(await client.get("/providers/me", headers=vendor.headers))
    assert stored["skills"] == ["Tiling"]
    await settle()
    assert attempts["failed"] == 1
    assert await found(client, "/providers", skill="tiling") == [provider_id]
    assert await found(client, "/providers", skill="plumbing") == []
