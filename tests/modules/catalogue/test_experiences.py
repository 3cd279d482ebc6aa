"""Experiences (seed 002 Task 6): services of kind `experience` that guides publish."""

from __future__ import annotations

import pytest
from bson import ObjectId

from tests.modules.media import samples
from tests.support import body, data, make_guide, settle

EXPERIENCE = {
    "title": "Sunset dhow cruise",
    "description": "Sail the Stone Town shore at sunset with Swahili snacks.",
    "category": "cultural",
    "price": "45",
    "currency": "USD",
    "duration_hours": 2.5,
    "min_group_size": 2,
    "max_group_size": 12,
    "languages": ["English", "Swahili"],
    "meeting_point": "Forodhani Gardens",
    "latitude": -6.1622,
    "longitude": 39.1880,
}


@pytest.fixture
async def guide(client, outbox):
    return await make_guide(client, outbox)


async def create(client, account, **fields):
    return await client.post("/experiences", headers=account.headers, json={**EXPERIENCE, **fields})


async def test_a_guide_publishes_an_experience(client, guide):
    response = await create(client, guide)

    assert response.status_code == 201
    experience = data(response)
    assert experience["kind"] == "experience"
    assert experience["experience"] == {
        "category": "cultural",
        "duration_hours": 2.5,
        "min_group_size": 2,
        "max_group_size": 12,
        "meeting_point": "Forodhani Gardens",
    }
    assert (experience["price"], experience["currency"], experience["price_unit"]) == (
        "45.00",
        "USD",
        "per_person",
    )
    assert experience["provider_id"] == guide.extra["provider"]["id"]
    public = await client.get(f"/experiences/{experience['id']}")
    assert public.status_code == 200
    await settle()  # lists come from discovery, fed in the background
    listed = data(await client.get("/experiences"))
    assert [e["id"] for e in listed["items"]] == [experience["id"]]
    mine = data(
        await client.get("/user-services", headers=guide.headers, params={"kind": "experience"})
    )
    assert [s["id"] for s in mine["items"]] == [experience["id"]]


async def test_only_guides_publish_experiences(client, vendor, client_user):
    response = await create(client, vendor)

    assert response.status_code == 403
    assert body(response)["code"] == "GUIDE_REQUIRED"
    via_services = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "T",
            "description": "D",
            "price": 1,
            "kind": "experience",
            "experience_category": "food",
            "duration_hours": 1,
        },
    )
    assert via_services.status_code == 403
    assert (await create(client, client_user)).status_code == 403


async def test_experience_fields_are_required_under_their_seed_002_names(client, guide):
    response = await client.post(
        "/experiences", headers=guide.headers, json={"title": "Walk", "description": "A walk"}
    )

    assert response.status_code == 400
    assert {e["field"] for e in body(response)["errors"]} == {"category", "price", "duration_hours"}
    groups = await create(client, guide, min_group_size=10, max_group_size=4)
    assert body(groups)["errors"][0]["field"] == "max_group_size"
    category = await create(client, guide, category="shopping")
    assert body(category)["errors"][0]["field"] == "category"


async def test_experiences_are_filtered_by_category_and_guide(client, outbox, guide):
    food = data(await create(client, guide, title="Spice farm lunch", category="food"))
    other_guide = await make_guide(client, outbox)
    nature = data(await create(client, other_guide, title="Forest walk", category="nature"))
    await settle()

    by_category = data(await client.get("/experiences", params={"category": "food"}))
    assert [e["id"] for e in by_category["items"]] == [food["id"]]
    by_guide = data(
        await client.get("/experiences", params={"guide_id": other_guide.extra["provider"]["id"]})
    )
    assert [e["id"] for e in by_guide["items"]] == [nature["id"]]
    assert (await client.get("/experiences", params={"category": "x"})).status_code == 400


async def test_only_the_guide_changes_or_deletes_an_experience(client, outbox, guide, vendor):
    experience = data(await create(client, guide))
    path = f"/experiences/{experience['id']}"
    other_guide = await make_guide(client, outbox)

    for account in (vendor, other_guide):
        assert (
            await client.put(path, headers=account.headers, json={"price": 1})
        ).status_code == 404
        assert (await client.delete(path, headers=account.headers)).status_code == 404

    updated = await client.put(
        path,
        headers=guide.headers,
        json={"price": "50", "category": "adventure", "max_group_size": 8},
    )
    assert updated.status_code == 200
    assert (data(updated)["price"], data(updated)["experience"]["category"]) == (
        "50.00",
        "adventure",
    )
    assert data(updated)["experience"]["max_group_size"] == 8
    assert data(updated)["experience"]["meeting_point"] == "Forodhani Gardens"

    hidden = await client.put(path, headers=guide.headers, json={"status": "inactive"})
    assert hidden.status_code == 200
    assert (await client.get(path)).status_code == 404
    await settle()
    assert data(await client.get("/experiences"))["items"] == []

    assert (await client.delete(path, headers=guide.headers)).status_code == 200
    assert (
        await client.get(f"/user-services/{experience['id']}", headers=guide.headers)
    ).status_code == 404


async def test_a_service_is_not_an_experience(client, outbox, guide):
    service = await client.post(
        "/user-services",
        headers=guide.headers,
        json={"title": "Airport transfer", "description": "Car", "price": 30},
    )
    service_id = data(service)["id"]

    assert (await client.get(f"/experiences/{service_id}")).status_code == 404
    assert (
        await client.put(f"/experiences/{service_id}", headers=guide.headers, json={"price": 1})
    ).status_code == 404
    assert (await client.get(f"/experiences/{ObjectId()}")).status_code == 404


async def test_experience_images_by_multipart(client, guide):
    response = await client.post(
        "/experiences",
        headers=guide.headers,
        data={
            **{k: str(v) for k, v in EXPERIENCE.items() if k != "languages"},
            "languages": "English",
        },
        files=[("images", ("boat.jpg", samples.jpeg(), "image/jpeg"))],
    )

    assert response.status_code == 201, response.text
    assert data(response)["image"]
    assert data(response)["languages"] == ["English"]
