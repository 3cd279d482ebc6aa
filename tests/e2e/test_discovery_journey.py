"""A client finds services near them, opens one, saves it; views lift it in the featured list."""

from datetime import UTC, datetime, timedelta

from kwika.core.broker import drain, enqueue
from kwika.modules.discovery import tasks
from tests.support import data, make_company, make_provider, reference_ids, register, settle

HOME = {"lat": -6.7924, "lng": 39.2083}  # the client in Dar es Salaam


async def test_find_near_me_open_save_and_rise_in_featured(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    created = {}
    for title, lat, lng, place in (
        ("Msasani Photo", -6.75, 39.27, "Dar es Salaam, Msasani"),
        ("Moshi Photo", -3.35, 37.34, "Moshi"),
        ("Kariakoo Photo", -6.82, 39.27, "Dar es Salaam, Kariakoo"),
    ):
        response = await client.post(
            "/user-services",
            headers=vendor.headers,
            json={
                "title": title,
                "description": "Wedding photography",
                "price": "400000",
                "service_type_id": refs["Wedding Photography"],
                "latitude": lat,
                "longitude": lng,
                "location": place,
            },
        )
        created[title] = data(response)["id"]
    shopper = await register(client, outbox)
    await settle()  # search lists them in the background

    nearby = data(
        await client.get(
            "/services", params={**HOME, "q": "photo", "radius_km": 30, "sort_by": "distance"}
        )
    )
    assert [item["title"] for item in nearby["items"]] == ["Kariakoo Photo", "Msasani Photo"]
    first = nearby["items"][0]
    assert first["distance_km"] < nearby["items"][1]["distance_km"]
    # Cards show who offers the service (seed 003 9.1); facets list the places found.
    assert first["provider"]["id"] == vendor.extra["provider"]["id"]
    assert first["type"] == "service"
    assert nearby["filters"]["locations"] == [{"name": "Dar es Salaam", "count": 2}]
    everywhere = data(await client.get("/services", params={"district": "moshi"}))
    assert [item["title"] for item in everywhere["items"]] == ["Moshi Photo"]
    assert everywhere["items"][0]["distance_km"] is None

    page = await client.get(f"/services/{first['id']}")
    assert data(page)["title"] == "Kariakoo Photo"
    saved = await client.post(f"/services/{first['id']}/save", headers=shopper.headers)
    assert data(saved) == {"saved": True}
    assert [
        s["id"] for s in data(await client.get("/services/saved", headers=shopper.headers))["items"]
    ] == [first["id"]]

    for _ in range(3):
        await client.get(f"/services/{created['Moshi Photo']}")
    await enqueue(tasks.flush_views)
    await drain()
    featured = data(await client.get("/services/featured"))["items"]
    assert featured[0]["id"] == created["Moshi Photo"]
    assert featured[0]["access_count"] == 3


async def test_browse_promotions_and_search_everything_with_a_typo(client, outbox):
    vendor = await make_provider(client, outbox)
    company = await make_company(client, vendor, name="Sunset Events")
    today = datetime.now(UTC).date()
    for name, days in (("Harbour Sunset Cruise", 3), ("Valentine Dinner", 10)):
        response = await client.post(
            "/promotions",
            headers=vendor.headers,
            json={
                "name": name,
                "category": "Entertainment",
                "address": "Slipway, Msasani",
                "start_date": today.isoformat(),
                "end_date": (today + timedelta(days=days)).isoformat(),
                "price": "50000",
                "company_id": company["id"],
                "latitude": -6.75,
                "longitude": 39.27,
            },
        )
        assert response.status_code == 201, response.text
    await settle()
    promotions = data(await client.get("/promotions", params={"address": "msasani"}))
    assert [p["name"] for p in promotions["items"]] == ["Harbour Sunset Cruise", "Valentine Dinner"]

    found = data(await client.get("/search", params={"q": "sunet"}))
    assert found["corrected_query"] == "sunset"
    assert ("Sunset Events", "company") in [
        (item.get("name"), item["type"]) for item in found["items"]
    ]
    suggestions = data(await client.get("/search/suggest", params={"q": "suns"}))
    assert any(s["text"] == "Sunset Events" for s in suggestions)
