"""Listings follow what providers and the catalogue announce: what owners publish becomes
searchable, what they hide or delete leaves the search."""

from __future__ import annotations

from bson import ObjectId

from kwika.modules import catalogue
from kwika.modules.discovery.documents import Listing
from kwika.modules.identity.signals import user_anonymised
from tests.support import data, make_company, make_guide, make_provider, reference_ids, settle

DAR = {"latitude": -6.7924, "longitude": 39.2083}


async def ids(client, path, **params):
    await settle()  # listings follow the owners' signals in the background
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in data(response)["items"]]


async def test_a_published_service_is_found_and_leaves_when_hidden(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    service = data(
        await client.post(
            "/user-services",
            headers=vendor.headers,
            json={
                "title": "Kilimanjaro Wedding Studio",
                "description": "Weddings in Moshi",
                "service_type_id": refs["Wedding Photography"],
                "price": "500000",
                "location": "Moshi",
                **DAR,
            },
        )
    )

    assert await ids(client, "/services", q="kilimanjaro") == [service["id"]]
    found = data(
        await client.get(
            "/services", params={"q": "studio", "lat": -6.8, "lng": 39.2, "sort_by": "distance"}
        )
    )
    card = found["items"][0]
    assert card["title"] == "Kilimanjaro Wedding Studio"
    assert card["price"] == "500000.00"
    assert "distance_km" in card
    assert await ids(client, "/services", category_id=refs["category"]) == [service["id"]]

    await client.put(
        f"/user-services/{service['id']}",
        headers=vendor.headers,
        json={"title": "Moshi Wedding Studio"},
    )
    assert await ids(client, "/services", q="kilimanjaro") == []
    assert await ids(client, "/services", q="moshi") == [service["id"]]

    await catalogue.record_rating(service["id"], add=5)
    await settle()
    listing = await Listing.find_one({"kind": "service", "ref_id": ObjectId(service["id"])})
    assert (listing.rating, listing.review_count) == (5.0, 1)

    await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"status": "inactive"}
    )
    assert await ids(client, "/services", q="moshi") == []
    await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"status": "active"}
    )
    assert await ids(client, "/services", q="moshi") == [service["id"]]
    await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)
    assert await ids(client, "/services", q="moshi") == []


async def test_providers_guides_and_experiences_are_found(client, outbox):
    craftsman = await make_provider(
        client,
        outbox,
        kinds=("craftsman",),
        skills=["Plumbing"],
        district="Kinondoni",
        bio="Pipes and heaters",
        **DAR,
    )
    guide = await make_guide(client, outbox, region="Arusha")
    experience = data(
        await client.post(
            "/experiences",
            headers=guide.headers,
            json={
                "title": "Crater sunrise drive",
                "description": "Ngorongoro at dawn",
                "category": "nature",
                "price": "150",
                "currency": "USD",
                "duration_hours": 8,
            },
        )
    )

    assert await ids(client, "/providers", skill="plumbing") == [craftsman.extra["provider"]["id"]]
    assert await ids(client, "/providers", kind="guide") == [guide.extra["provider"]["id"]]
    assert await ids(client, "/search", q="crater", type="experiences") == [experience["id"]]
    card = data(await client.get("/providers", params={"skill": "plumbing"}))["items"][0]
    assert card["address"] is None  # the public card

    await client.put("/providers/me", headers=craftsman.headers, json={"skills": ["Tiling"]})
    assert await ids(client, "/providers", skill="plumbing") == []
    assert await ids(client, "/providers", skill="tiling") == [craftsman.extra["provider"]["id"]]

    await user_anonymised.send(user_id=ObjectId(guide.id))
    assert await ids(client, "/providers", kind="guide") == []
    assert await ids(client, "/search", q="crater", type="experiences") == []


async def test_companies_and_promotions_are_found(client, outbox):
    vendor = await make_provider(client, outbox)
    company = await make_company(client, vendor, name="Zanzibar Spice Catering", **DAR)
    promotion = data(
        await client.post(
            "/promotions",
            headers=vendor.headers,
            json={
                "name": "Spice festival menu",
                "category": "Food",
                "start_date": "2030-01-01",
                "end_date": "2030-01-31",
                "price": "25000",
                "company_id": company["id"],
                **DAR,
            },
        )
    )

    assert await ids(client, "/companies", q="zanzibar") == [company["id"]]
    assert await ids(client, "/promotions", q="festival") == [promotion["id"]]

    await client.put(
        f"/promotions/{promotion['id']}", headers=vendor.headers, json={"is_active": False}
    )
    assert await ids(client, "/promotions", q="festival") == []

    await client.delete(f"/companies/{company['id']}", headers=vendor.headers)
    assert await ids(client, "/companies", q="zanzibar") == []
    await settle()
    assert await Listing.find({"kind": "promotion"}).count() == 0
