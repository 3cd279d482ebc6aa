"""Searching services for an event type ranks them by relevance on the embedded engine too
(the relevance score intersects each listing's event types with the wanted ones)."""

from __future__ import annotations

from tests.support import data, make_provider, reference_ids, settle

DAR = {"latitude": -6.7924, "longitude": 39.2083}


async def _event_types(client):
    return {e["name"]: e["id"] for e in data(await client.get("/references/event-types"))}


async def test_services_filtered_by_event_type_are_ranked_not_a_server_error(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    created = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "Lens Studio",
            "description": "Wedding photos",
            "price": "250000",
            "service_type_id": refs["Wedding Photography"],
            **DAR,
        },
    )
    assert created.status_code == 201, created.text
    service = data(created)
    types = await _event_types(client)
    await settle()

    plain = await client.get("/services", params={"event_type_id": types["Wedding"]})
    assert plain.status_code == 200, plain.text
    assert [item["id"] for item in data(plain)["items"]] == [service["id"]]

    located = await client.get(
        "/services",
        params={
            "event_type_id": types["Wedding"],
            "q": "lens",
            "lat": DAR["latitude"],
            "lng": DAR["longitude"],
            "radius_km": 20,
        },
    )
    assert located.status_code == 200, located.text
    assert [item["id"] for item in data(located)["items"]] == [service["id"]]

    other = await client.get("/services", params={"event_type_id": types["Funeral"]})
    assert other.status_code == 200
    assert data(other)["items"] == []
