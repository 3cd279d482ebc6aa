"""What search and public pages show stays consistent with changes made elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kwika.core import clock
from kwika.modules.discovery.documents import Listing
from kwika.modules.discovery.reindex import reindex
from tests.support import data, make_company, make_provider, reference_ids, settle

DAR = {"latitude": -6.7924, "longitude": 39.2083}


async def _event_type(client, name):
    return next(
        e["id"] for e in data(await client.get("/references/event-types")) if e["name"] == name
    )


async def _photography_service(client, vendor, **fields):
    refs = await reference_ids(client, "Photography and Videography")
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "Lens Studio",
            "description": "Photos",
            "price": "250000",
            "service_type_id": refs["Wedding Photography"],
            **DAR,
            **fields,
        },
    )
    assert response.status_code == 201, response.text
    return data(response), refs


async def test_event_type_recommendations_use_suited_categories(client, outbox):
    vendor = await make_provider(client, outbox)
    service, _ = await _photography_service(client, vendor)
    wedding = await _event_type(client, "Wedding")
    funeral = await _event_type(client, "Funeral")
    await settle()
    suited = data(
        await client.get(
            "/services", params={"event_type_id": wedding, "sort_by": "rating", "available": "true"}
        )
    )
    assert [item["id"] for item in suited["items"]] == [service["id"]]
    assert data(await client.get("/services", params={"event_type_id": funeral}))["items"] == []


async def test_providers_and_companies_are_found_by_the_categories_they_offer(client, outbox):
    vendor = await make_provider(client, outbox, district="Kinondoni")
    company = await make_company(client, vendor, name="Lens House")
    service, refs = await _photography_service(client, vendor, company_id=company["id"])
    await settle()
    providers = data(await client.get("/providers", params={"category_id": refs["category"]}))
    assert [p["id"] for p in providers["items"]] == [vendor.extra["provider"]["id"]]
    assert providers["filters"]["categories"] == [
        {"id": refs["category"], "name": "Photography and Videography", "count": 1}
    ]
    companies = data(await client.get("/companies", params={"category_id": refs["category"]}))
    assert [c["id"] for c in companies["items"]] == [company["id"]]
    await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)
    await settle()
    assert (
        data(await client.get("/providers", params={"category_id": refs["category"]}))["items"]
        == []
    )


async def test_the_service_page_shows_its_provider_and_packages(client, outbox):
    vendor = await make_provider(client, outbox)
    service, _ = await _photography_service(client, vendor)
    package = await client.post(
        f"/user-services/{service['id']}/packages",
        headers=vendor.headers,
        json={"name": "Gold", "price": "500000", "features": ["8 hours"]},
    )
    assert package.status_code == 201, package.text
    page = data(await client.get(f"/services/{service['id']}"))
    assert page["provider"]["id"] == vendor.extra["provider"]["id"]
    assert [p["name"] for p in page["packages"]] == ["Gold"]


async def test_a_rename_of_the_person_shows_on_the_provider_page(client, outbox):
    vendor = await make_provider(client, outbox)
    provider_id = vendor.extra["provider"]["id"]
    await client.get(f"/providers/{provider_id}")  # cached now
    await client.put("/users/profile", headers=vendor.headers, json={"first_name": "Zawadi"})
    await settle()  # providers follows identity's user_changed in the background
    page = data(await client.get(f"/providers/{provider_id}"))
    assert page["display_name"].startswith("Zawadi")
    found = data(await client.get("/providers", params={"q": "zawadi"}))
    assert [p["id"] for p in found["items"]] == [provider_id]


async def test_promotion_cards_follow_the_clock_and_the_company_name(client, outbox):
    vendor = await make_provider(client, outbox)
    company = await make_company(client, vendor, name="Old Name")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    created = await client.post(
        "/promotions",
        headers=vendor.headers,
        json={
            "name": "Launch Week",
            "category": "Food",
            "start_date": tomorrow.isoformat(),
            "end_date": (tomorrow + timedelta(days=5)).isoformat(),
            "price": "1000",
            "company_id": company["id"],
        },
    )
    assert created.status_code == 201, created.text
    await settle()
    listed = data(await client.get("/promotions"))["items"]
    assert listed[0]["status"] == "scheduled"
    clock.travel(timedelta(days=2))
    assert data(await client.get("/promotions"))["items"][0]["status"] == "active"
    await client.put(
        f"/companies/{company['id']}", headers=vendor.headers, json={"name": "New Name"}
    )
    await settle()
    assert data(await client.get("/promotions"))["items"][0]["company_name"] == "New Name"


async def test_reindex_rebuilds_the_read_model(client, outbox):
    vendor = await make_provider(client, outbox)
    service, _ = await _photography_service(client, vendor)
    await Listing.get_motor_collection().delete_many({})
    await Listing.get_motor_collection().insert_one(
        {
            "kind": "service",
            "ref_id": __import__("bson").ObjectId(),
            "title": "Ghost",
            "title_key": "ghost",
            "search_text": "ghost",
            "indexed_at": clock.now() - timedelta(days=1),
            "source_created_at": clock.now(),
            "card": {},
        }
    )
    assert data(await client.get("/services", params={"q": "lens"}))["items"] == []
    counts = await reindex()
    assert counts["services"] == 1
    assert counts["providers"] == 1
    assert counts["removed"] == 1
    assert [
        i["id"] for i in data(await client.get("/services", params={"q": "lens"}))["items"]
    ] == [service["id"]]
    assert data(await client.get("/services", params={"q": "ghost"}))["items"] == []


async def test_a_fuller_service_ranks_higher_on_relevance(client, outbox):
    vendor = await make_provider(client, outbox)
    thin, _ = await _photography_service(client, vendor, title="Thin Lens")
    full, _ = await _photography_service(
        client,
        vendor,
        title="Full Lens",
        description="Wedding and portrait photography across the coast. " * 4,
    )
    package = await client.post(
        f"/user-services/{full['id']}/packages",
        headers=vendor.headers,
        json={"name": "Half day", "price": "150000", "features": ["Edited photos"]},
    )
    assert package.status_code == 201, package.text
    await settle()

    found = data(await client.get("/services", params={"q": "lens", "sort_by": "relevance"}))
    assert [item["id"] for item in found["items"]] == [full["id"], thin["id"]]
    stored = {
        str(row.ref_id): row.completeness
        for row in await Listing.find({"kind": "service"}).to_list()
    }
    assert stored[full["id"]] > stored[thin["id"]]
