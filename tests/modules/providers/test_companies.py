"""Companies (seed 000 1.3): a provider's brands; every write checks ownership."""

from __future__ import annotations

import io

import pytest
from bson import ObjectId
from PIL import Image

from kwika.core.errors import NotFound
from kwika.modules import providers
from kwika.modules.providers.documents import Company
from tests.modules.media import samples
from tests.support import body, data, make_company, register


async def test_a_provider_creates_a_company(client, vendor):
    response = await client.post(
        "/companies",
        headers=vendor.headers,
        json={
            "name": "Amina Catering",
            "slogan": "Food that remembers you",
            "description": "Weddings and corporate events",
            "district": "Kinondoni",
            "address": "Mwenge, Dar es Salaam",
            "latitude": -6.7712,
            "longitude": 39.2401,
        },
    )

    assert response.status_code == 201
    company = data(response)
    assert company["name"] == "Amina Catering"
    assert company["owner_id"] == vendor.id
    assert company["provider_id"] == vendor.extra["provider"]["id"]
    assert (company["latitude"], company["longitude"]) == (-6.7712, 39.2401)
    assert company["logo"] is None
    stored = await Company.get(ObjectId(company["id"]))
    assert stored.geo.coordinates == [39.2401, -6.7712]
    assert stored.name_key == "amina catering"
    public = await client.get(f"/companies/{company['id']}")
    assert public.status_code == 200
    assert data(public)["slogan"] == "Food that remembers you"


async def test_only_providers_create_companies(client, client_user):
    response = await client.post("/companies", headers=client_user.headers, json={"name": "Shop"})

    assert response.status_code == 403
    assert body(response)["code"] == "PROVIDER_PROFILE_REQUIRED"
    assert (await client.post("/companies", json={"name": "Shop"})).status_code == 401


async def test_company_names_are_unique_per_owner_whatever_the_case(client, vendor, rival):
    await make_company(client, vendor, name="Amina Catering")

    same = await client.post("/companies", headers=vendor.headers, json={"name": "AMINA  catering"})
    assert same.status_code == 409
    assert body(same)["errors"] == [
        {"field": "name", "message": "You already have a company with this name"}
    ]
    # Another provider may use the name.
    assert (
        await client.post("/companies", headers=rival.headers, json={"name": "Amina Catering"})
    ).status_code == 201


async def test_bad_companies_get_one_error_per_field(client, vendor):
    response = await client.post(
        "/companies",
        headers=vendor.headers,
        json={"name": "A", "longitude": 200, "slogan": "x" * 151},
    )

    assert response.status_code == 400
    assert {e["field"] for e in body(response)["errors"]} == {"name", "longitude", "slogan"}


async def test_my_companies_are_mine_only_newest_first(client, vendor, rival):
    first = await make_company(client, vendor, name="First")
    second = await make_company(client, vendor, name="Second")
    await make_company(client, rival, name="Theirs")

    page = data(await client.get("/companies/mine", headers=vendor.headers, params={"limit": 1}))

    assert [c["id"] for c in page["items"]] == [second["id"]]
    assert page["pagination"]["total_items"] == 2
    rest = data(
        await client.get("/companies/mine", headers=vendor.headers, params={"limit": 1, "page": 2})
    )
    assert [c["id"] for c in rest["items"]] == [first["id"]]


async def test_the_owner_updates_and_null_clears(client, vendor):
    company = await make_company(client, vendor, slogan="Old", address="Somewhere")

    response = await client.put(
        f"/companies/{company['id']}",
        headers=vendor.headers,
        json={"slogan": "New", "address": None, "latitude": -6.8, "longitude": 39.28},
    )

    assert response.status_code == 200
    updated = data(response)
    assert updated["slogan"] == "New"
    assert updated["address"] is None
    assert updated["district"] == "Kinondoni"
    assert (updated["latitude"], updated["longitude"]) == (-6.8, 39.28)


async def test_another_providers_company_is_404_for_every_write(client, vendor, rival):
    company = await make_company(client, vendor)
    path = f"/companies/{company['id']}"

    assert (await client.put(path, headers=rival.headers, json={"name": "Mine"})).status_code == 404
    assert (await client.delete(path, headers=rival.headers)).status_code == 404
    logo = await client.post(
        f"{path}/logo",
        headers=rival.headers,
        files={"file": ("logo.png", samples.png(), "image/png")},
    )
    assert logo.status_code == 404
    assert data(await client.get(path))["name"] == company["name"]
    # Malformed ids too.
    assert (await client.put("/companies/123", headers=vendor.headers, json={})).status_code == 404


async def test_renaming_to_a_taken_name_is_409(client, vendor):
    await make_company(client, vendor, name="One")
    two = await make_company(client, vendor, name="Two")

    response = await client.put(
        f"/companies/{two['id']}", headers=vendor.headers, json={"name": "one"}
    )

    assert response.status_code == 409
    assert (
        await client.put(f"/companies/{two['id']}", headers=vendor.headers, json={"name": "Two"})
    ).status_code == 200


async def test_the_logo_is_stored_by_media_and_the_old_one_deleted(client, vendor):
    company = await make_company(client, vendor)
    path = f"/companies/{company['id']}/logo"

    first = await client.post(
        path,
        headers=vendor.headers,
        files={"file": ("logo.jpg", samples.jpeg((2400, 1200), exif=True), "image/jpeg")},
    )
    assert first.status_code == 200
    first_logo = data(first)["logo"]
    assert "/company_logo/" in first_logo
    image = Image.open(io.BytesIO((await client.get(first_logo)).content))
    assert image.size == (1024, 512)
    assert not image.getexif()

    second = await client.post(
        path, headers=vendor.headers, files={"file": ("logo.png", samples.png(), "image/png")}
    )
    assert data(second)["logo"] != first_logo
    assert data(second)["logo_file"]["thumbnail_url"]
    assert (await client.get(first_logo)).status_code == 404
    assert data(await client.get(f"/companies/{company['id']}"))["logo"] == data(second)["logo"]


async def test_a_logo_must_be_an_image(client, vendor):
    company = await make_company(client, vendor)
    path = f"/companies/{company['id']}/logo"

    fake = await client.post(
        path, headers=vendor.headers, files={"file": ("logo.png", samples.TEXT, "image/png")}
    )
    assert fake.status_code == 400
    assert body(fake)["errors"][0]["field"] == "file"
    missing = await client.post(path, headers=vendor.headers, files={"other": ("x", b"x")})
    assert missing.status_code == 400
    assert body(missing)["errors"][0]["field"] == "file"


async def test_deleting_a_company_deletes_its_logo(client, vendor):
    company = await make_company(client, vendor)
    logo = data(
        await client.post(
            f"/companies/{company['id']}/logo",
            headers=vendor.headers,
            files={"file": ("logo.png", samples.png(), "image/png")},
        )
    )["logo"]

    response = await client.delete(f"/companies/{company['id']}", headers=vendor.headers)

    assert response.status_code == 200
    assert body(response)["message"] == "Company deleted successfully"
    assert (await client.get(f"/companies/{company['id']}")).status_code == 404
    assert (await client.get(logo)).status_code == 404


async def test_other_modules_check_ownership_through_the_public_api(client, vendor, rival):
    company = await make_company(client, vendor)

    owned = await providers.get_owned_company(ObjectId(vendor.id), company["id"])
    assert owned.name == company["name"]
    assert owned.district_key == "kinondoni"
    with pytest.raises(NotFound):
        await providers.get_owned_company(ObjectId(rival.id), company["id"])


async def test_a_client_account_cannot_see_a_missing_company(client, outbox):
    user = await register(client, outbox)
    assert (await client.get(f"/companies/{ObjectId()}", headers=user.headers)).status_code == 404


async def test_form_bodies_work_and_their_errors_render(client, vendor):
    created = await client.post("/companies", headers=vendor.headers, data={"name": "Form Co"})
    assert created.status_code == 201

    # An error raised by the service (not the schema) still becomes the error envelope.
    duplicate = await client.post("/companies", headers=vendor.headers, data={"name": "form co"})
    assert duplicate.status_code == 409
    assert body(duplicate)["code"] == "DUPLICATE"
