"""Becoming a provider: the profile, its service area, portfolio and public page."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.errors import ValidationFailed
from kwika.modules import providers
from kwika.modules.providers.documents import ProviderProfile
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data, make_provider, register


async def test_a_user_becomes_a_provider(client, outbox):
    user = await register(client, outbox, first_name="Amina", last_name="Mushi")

    response = await client.post(
        "/providers/me",
        headers=user.headers,
        json={
            "kinds": ["vendor", "craftsman", "vendor"],
            "bio": "Catering for weddings since 2015",
            "skills": ["Catering", "Baking", "catering"],
            "district": "Kinondoni",
            "address": "Plot 12, Mwenge",
            "latitude": -6.7712,
            "longitude": 39.2401,
            "service_radius_km": 25,
            "languages": "Swahili, English",
        },
    )

    assert response.status_code == 201
    assert body(response)["message"] == "Provider profile created successfully"
    profile = data(response)
    assert profile["kinds"] == ["vendor", "craftsman"]
    assert profile["skills"] == ["Catering", "Baking"]
    assert profile["languages"] == ["Swahili", "English"]
    assert profile["display_name"] == "Amina Mushi"
    assert (profile["latitude"], profile["longitude"]) == (-6.7712, 39.2401)
    assert profile["address"] == "Plot 12, Mwenge"
    assert profile["rating"] == {"average": None, "count": 0}
    assert profile["is_verified"] is False
    assert profile["verification"] == {
        "identity": "not_submitted",
        "craftsman": "not_submitted",
        "guide": "not_submitted",
    }
    me = data(await client.get("/users/me", headers=user.headers))
    assert me["account_type"] == "provider"
    stored = await ProviderProfile.get(ObjectId(profile["id"]))
    assert stored.geo.model_dump() == {"type": "Point", "coordinates": [39.2401, -6.7712]}
    assert stored.district_key == "kinondoni"
    assert stored.skill_keys == ["catering", "baking"]


async def test_one_profile_per_user(client, vendor):
    again = await client.post("/providers/me", headers=vendor.headers, json={"kinds": ["vendor"]})

    assert again.status_code == 409
    assert body(again)["code"] == "PROVIDER_PROFILE_EXISTS"


async def test_the_guide_kind_comes_from_an_approved_application(client, outbox):
    user = await register(client, outbox)

    response = await client.post("/providers/me", headers=user.headers, json={"kinds": ["guide"]})

    assert response.status_code == 400
    assert body(response)["errors"][0]["field"] == "kinds"
    assert "/guides/apply" in body(response)["errors"][0]["message"]


async def test_bad_profiles_get_one_error_per_field(client, outbox):
    user = await register(client, outbox)

    response = await client.post(
        "/providers/me",
        headers=user.headers,
        json={"kinds": ["plumber"], "latitude": 95, "service_radius_km": -1},
    )
    fields = {e["field"] for e in body(response)["errors"]}
    assert response.status_code == 400
    assert {"kinds.0", "latitude", "service_radius_km"} <= fields

    half = await client.post(
        "/providers/me", headers=user.headers, json={"kinds": ["vendor"], "latitude": -6.8}
    )
    assert half.status_code == 400
    assert body(half)["errors"] == [
        {"field": "longitude", "message": "latitude and longitude must be sent together"}
    ]

    none = await client.post("/providers/me", headers=user.headers, json={"kinds": []})
    assert none.status_code == 400
    assert body(none)["errors"][0]["field"] == "kinds"


async def test_provider_routes_need_a_signed_in_user(client):
    assert (await client.post("/providers/me", json={"kinds": ["vendor"]})).status_code == 401
    assert (await client.get("/providers/me")).status_code == 401


async def test_my_profile_before_and_after(client, outbox, vendor):
    user = await register(client, outbox)
    missing = await client.get("/providers/me", headers=user.headers)
    assert missing.status_code == 404
    assert body(missing)["code"] == "PROVIDER_PROFILE_MISSING"

    mine = data(await client.get("/providers/me", headers=vendor.headers))
    assert mine["id"] == vendor.extra["provider"]["id"]
    assert mine["address"] == "Plot 12, Mwenge"
    assert mine["latitude"] == -6.7712


async def test_the_public_page_hides_the_address_and_blurs_the_point(client, vendor):
    provider_id = vendor.extra["provider"]["id"]

    page = await client.get(f"/providers/{provider_id}")

    assert page.status_code == 200
    public = data(page)
    assert public["address"] is None
    assert (public["latitude"], public["longitude"]) == (-6.77, 39.24)
    assert public["district"] == "Kinondoni"
    assert public["user"]["full_name"] == "Amina User"
    assert (await client.get("/providers/not-an-id")).status_code == 404
    assert (await client.get(f"/providers/{ObjectId()}")).status_code == 404


async def test_updating_sends_only_what_changes_and_null_clears(client, vendor):
    response = await client.put(
        "/providers/me",
        headers=vendor.headers,
        json={
            "bio": "New bio",
            "address": None,
            "kinds": ["craftsman"],
            "latitude": None,
            "longitude": None,
        },
    )

    assert response.status_code == 200
    profile = data(response)
    assert profile["bio"] == "New bio"
    assert profile["address"] is None
    assert profile["kinds"] == ["craftsman"]
    assert profile["latitude"] is None
    assert profile["district"] == "Kinondoni"  # untouched
    assert profile["service_radius_km"] == 15

    guide = await client.put("/providers/me", headers=vendor.headers, json={"kinds": ["guide"]})
    assert guide.status_code == 400


async def test_the_portfolio_is_images_the_provider_uploaded(client, vendor, rival):
    first = data(await upload(client, vendor, samples.jpeg(), "a.jpg", "portfolio"))
    second = data(await upload(client, vendor, samples.png(), "b.png", "portfolio"))
    theirs = data(await upload(client, rival, samples.jpeg(), "c.jpg", "portfolio"))

    response = await client.put(
        "/providers/me", headers=vendor.headers, json={"portfolio_ids": [first["id"], second["id"]]}
    )
    assert response.status_code == 200
    assert [p["file_id"] for p in data(response)["portfolio"]] == [first["id"], second["id"]]
    assert data(response)["portfolio"][0]["url"] == first["file_url"]
    # In use: the owner cannot delete it from under the profile.
    assert (
        await client.delete(f"/uploads/{first['id']}", headers=vendor.headers)
    ).status_code == 400

    stolen = await client.put(
        "/providers/me", headers=vendor.headers, json={"portfolio_ids": [theirs["id"]]}
    )
    assert stolen.status_code == 404

    # Replacing the portfolio deletes what left it.
    kept = await client.put(
        "/providers/me", headers=vendor.headers, json={"portfolio_ids": [second["id"]]}
    )
    assert [p["file_id"] for p in data(kept)["portfolio"]] == [second["id"]]
    assert (await client.get(first["file_url"])).status_code == 404
    assert (await client.get(second["file_url"])).status_code == 200


async def test_portfolio_items_must_be_portfolio_images(client, vendor):
    resume = data(
        await upload(
            client, vendor, samples.PDF, "cv.pdf", "document", content_type="application/pdf"
        )
    )

    response = await client.put(
        "/providers/me", headers=vendor.headers, json={"portfolio_ids": [resume["id"]]}
    )

    assert response.status_code == 400
    assert body(response)["errors"][0]["field"] == "portfolio_ids"


async def test_reviews_keep_the_rating_through_a_guarded_counter(client, vendor):
    provider_id = vendor.extra["provider"]["id"]

    await providers.record_rating(provider_id, add=5)
    await providers.record_rating(provider_id, add=3)
    await providers.record_rating(provider_id, add=2, remove=3)  # an edited review
    rating = data(await client.get(f"/providers/{provider_id}"))["rating"]
    assert rating == {"average": 3.5, "count": 2}

    await providers.record_rating(provider_id, remove=5)
    await providers.record_rating(provider_id, remove=2)
    await providers.record_rating(provider_id, remove=4)  # nothing left to withdraw
    snapshot = await providers.get_provider(provider_id)
    assert (snapshot.rating_count, snapshot.rating_average) == (0, 0.0)

    for bad in ({"add": 6}, {"remove": 0}, {"add": 2.5}):
        try:
            await providers.record_rating(provider_id, **bad)
        except ValidationFailed:
            continue
        raise AssertionError(f"{bad} was accepted")


async def test_profiles_are_found_by_distance(client, vendor, outbox):
    await make_provider(client, outbox, latitude=-3.3869, longitude=36.6830)  # Arusha
    near = ProviderProfile.get_motor_collection().find(
        {
            "geo": {
                "$near": {
                    "$geometry": {"type": "Point", "coordinates": [39.28, -6.80]},
                    "$maxDistance": 20_000,
                }
            }
        }
    )
    found = [str(doc["_id"]) async for doc in near]
    assert found == [vendor.extra["provider"]["id"]]
    indexes = await ProviderProfile.get_motor_collection().index_information()
    assert list(indexes["geo_2dsphere"]["key"]) == [("geo", "2dsphere")]


async def test_snapshots_for_other_modules(client, vendor):
    user_id = vendor.id

    snapshot = await providers.get_provider_by_user(user_id)

    assert snapshot.kinds == ["vendor"]
    assert snapshot.district_key == "kinondoni"
    assert (snapshot.latitude, snapshot.longitude) == (-6.7712, 39.2401)
    assert await providers.get_provider_by_user(str(ObjectId())) is None
    many = await providers.get_providers([snapshot.id, "nope"])
    assert list(many) == [snapshot.id]
