"""Public pages are cached, invalidated by every change, and their views move the ranking."""

from __future__ import annotations

from kwika.core.broker import drain, enqueue
from kwika.core.cache import Cache
from kwika.modules.discovery import tasks
from tests.support import data, make_company, make_provider, reference_ids, settle

DAR = {"latitude": -6.7924, "longitude": 39.2083}


async def _service(client, vendor, refs, title, **fields):
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": title,
            "description": "Wedding coverage",
            "price": "300000",
            "service_type_id": refs["Wedding Photography"],
            **DAR,
            **fields,
        },
    )
    assert response.status_code == 201, response.text
    return data(response)


async def test_a_service_page_is_cached_and_a_change_shows_at_once(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    service = await _service(client, vendor, refs, "Arusha Lens")
    stats = Cache.registry["public:service"]
    before = await stats.stats()
    first = await client.get(f"/services/{service['id']}")
    second = await client.get(f"/services/{service['id']}")
    assert first.status_code == second.status_code == 200
    assert data(second)["title"] == "Arusha Lens"
    after = await stats.stats()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    await client.put(
        f"/user-services/{service['id']}",
        headers=vendor.headers,
        json={"title": "Arusha Lens Studio"},
    )
    assert data(await client.get(f"/services/{service['id']}"))["title"] == "Arusha Lens Studio"
    await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"status": "inactive"}
    )
    hidden = await client.get(f"/services/{service['id']}")
    assert hidden.status_code == 404
    assert (await client.get("/services/not-an-id")).status_code == 404


async def test_provider_and_company_pages_follow_their_changes(client, outbox):
    vendor = await make_provider(client, outbox, bio="Photographer", district="Kinondoni")
    provider_id = vendor.extra["provider"]["id"]
    company = await make_company(client, vendor, name="Lens House")
    assert data(await client.get(f"/providers/{provider_id}"))["bio"] == "Photographer"
    assert data(await client.get(f"/companies/{company['id']}"))["name"] == "Lens House"
    await client.put("/providers/me", headers=vendor.headers, json={"bio": "Wedding photographer"})
    await client.put(
        f"/companies/{company['id']}", headers=vendor.headers, json={"name": "Lens House Ltd"}
    )
    assert data(await client.get(f"/providers/{provider_id}"))["bio"] == "Wedding photographer"
    assert data(await client.get(f"/companies/{company['id']}"))["name"] == "Lens House Ltd"


async def test_page_views_move_services_up_the_featured_list(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    quiet = await _service(client, vendor, refs, "Quiet Studio")
    busy = await _service(client, vendor, refs, "Busy Studio")
    for _ in range(4):
        await client.get(f"/services/{busy['id']}")
    await enqueue(tasks.flush_views)
    await drain()
    featured = data(await client.get("/services/featured"))["items"]
    assert [item["id"] for item in featured][:2] == [busy["id"], quiet["id"]]
    assert featured[0]["access_count"] == 4
    assert featured[1]["access_count"] == 0


async def test_search_on_real_services_orders_by_distance(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    far = await _service(client, vendor, refs, "Far Studio", latitude=-3.3869, longitude=36.6827)
    near = await _service(client, vendor, refs, "Near Studio", latitude=-6.80, longitude=39.21)
    await settle()
    page = data(
        await client.get(
            "/services",
            params={"lat": -6.7924, "lng": 39.2083, "sort_by": "distance", "radius_km": 500},
        )
    )
    assert [item["id"] for item in page["items"]] == [near["id"], far["id"]]
    assert page["items"][0]["distance_km"] < 2
    within = data(
        await client.get("/services", params={"lat": -6.7924, "lng": 39.2083, "radius_km": 50})
    )
    assert [item["id"] for item in within["items"]] == [near["id"]]
    # Without radius_km, services near a point stay within 50 km (seed 003 9.1).
    default = data(await client.get("/services", params={"lat": -6.7924, "lng": 39.2083}))
    assert [item["id"] for item in default["items"]] == [near["id"]]
