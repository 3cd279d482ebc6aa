"""Promotions (seed 000 1.5): time-bound offers of a company."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

from kwika.core import clock
from kwika.modules import catalogue
from kwika.modules.catalogue.documents import Promotion
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data


def days(n: int) -> str:
    return (clock.now() + timedelta(days=n)).date().isoformat()


def promotion(company, **fields):
    return {
        "name": "Wedding season 20% off",
        "category": "Weddings",
        "address": "Mlimani City, Dar es Salaam",
        "latitude": -6.7735,
        "longitude": 39.2199,
        "start_date": days(1),
        "end_date": days(30),
        "price": "400000",
        "currency": "TZS",
        "company_id": company["id"],
        **fields,
    }


async def create(client, account, company, **fields):
    return await client.post(
        "/promotions", headers=account.headers, json=promotion(company, **fields)
    )


async def test_a_provider_promotes_a_company_offer(client, vendor, company):
    response = await create(client, vendor, company)

    assert response.status_code == 201
    created = data(response)
    assert created["company_name"] == "Amina Studio"
    assert (created["price"], created["currency"]) == ("400000.00", "TZS")
    assert created["status"] == "scheduled"
    assert created["start_date"].endswith("T00:00:00Z")
    assert created["end_date"].endswith("T23:59:59.999000Z")
    stored = await Promotion.get(ObjectId(created["id"]))
    assert stored.geo.coordinates == [39.2199, -6.7735]
    assert (stored.name_key, stored.category_key) == ("wedding season 20% off", "weddings")
    public = await client.get(f"/promotions/{created['id']}")
    assert public.status_code == 200
    assert data(public)["name"] == "Wedding season 20% off"


async def test_promotion_dates(client, vendor, company):
    backwards = await create(client, vendor, company, start_date=days(10), end_date=days(5))
    assert body(backwards)["errors"] == [
        {"field": "end_date", "message": "end_date must be after start_date"}
    ]
    over = await create(client, vendor, company, start_date=days(-10), end_date=days(-1))
    assert body(over)["errors"] == [
        {"field": "end_date", "message": "end_date must be in the future"}
    ]
    endless = await create(client, vendor, company, end_date=days(400))
    assert body(endless)["errors"][0]["message"] == "A promotion runs at most 366 days"
    moments = await create(
        client,
        vendor,
        company,
        start_date="2030-01-01T08:00:00+03:00",
        end_date="2030-01-02T18:00:00Z",
    )
    assert data(moments)["start_date"] == "2030-01-01T05:00:00Z"
    missing = await client.post(
        "/promotions", headers=vendor.headers, json={"company_id": company["id"]}
    )
    assert {"name", "category", "start_date", "end_date", "price"} <= {
        e["field"] for e in body(missing)["errors"]
    }


async def test_status_follows_the_clock(client, vendor, company):
    created = data(await create(client, vendor, company, start_date=days(1), end_date=days(3)))
    path = f"/promotions/{created['id']}"

    assert data(await client.get(path))["status"] == "scheduled"
    clock.travel(timedelta(days=2))
    assert data(await client.get(path))["status"] == "active"
    active = data(
        await client.get("/promotions/mine", headers=vendor.headers, params={"status": "active"})
    )
    assert [p["id"] for p in active["items"]] == [created["id"]]
    clock.travel(timedelta(days=2))
    assert data(await client.get(path))["status"] == "expired"
    expired = data(
        await client.get("/promotions/mine", headers=vendor.headers, params={"status": "expired"})
    )
    assert [p["id"] for p in expired["items"]] == [created["id"]]
    snapshot = await catalogue.get_promotion(created["id"])
    assert snapshot.end_date < clock.now()


async def test_my_promotions_are_mine_only(client, vendor, rival, company):
    from tests.support import make_company

    theirs_company = await make_company(client, rival)
    mine = data(await create(client, vendor, company))
    await create(client, rival, theirs_company)

    listing = data(await client.get("/promotions/mine", headers=vendor.headers))
    assert [p["id"] for p in listing["items"]] == [mine["id"]]
    assert listing["items"][0]["company_name"] == "Amina Studio"
    assert (
        await client.get("/promotions/mine", headers=vendor.headers, params={"status": "soon"})
    ).status_code == 400


async def test_another_providers_company_or_promotion_is_404(client, vendor, rival, company):
    assert (await create(client, rival, company)).status_code == 404
    created = data(await create(client, vendor, company))
    path = f"/promotions/{created['id']}"

    assert (await client.put(path, headers=rival.headers, json={"name": "Mine"})).status_code == 404
    assert (await client.delete(path, headers=rival.headers)).status_code == 404
    image = await client.post(
        f"{path}/image",
        headers=rival.headers,
        files={"file": ("p.jpg", samples.jpeg(), "image/jpeg")},
    )
    assert image.status_code == 404


async def test_only_providers_promote(client, client_user, company):
    response = await client.post(
        "/promotions", headers=client_user.headers, json=promotion(company)
    )
    assert response.status_code == 403


async def test_updating_a_promotion(client, vendor, company):
    created = data(await create(client, vendor, company))
    path = f"/promotions/{created['id']}"

    response = await client.put(
        path,
        headers=vendor.headers,
        json={
            "name": "Now 30% off",
            "price": 350000,
            "end_date": days(60),
            "latitude": None,
            "longitude": None,
        },
    )

    assert response.status_code == 200
    updated = data(response)
    assert (updated["name"], updated["price"]) == ("Now 30% off", "350000.00")
    assert updated["end_date"].startswith(days(60))
    assert updated["latitude"] is None
    assert updated["category"] == "Weddings"
    backwards = await client.put(path, headers=vendor.headers, json={"end_date": days(-5)})
    assert backwards.status_code == 400

    off = await client.put(path, headers=vendor.headers, json={"is_active": False})
    assert data(off)["status"] == "inactive"
    assert (await client.get(path)).status_code == 404  # hidden from the public
    assert (await client.get(path, headers=vendor.headers)).status_code == 200  # not the owner


async def test_the_promotion_image_is_replaced_and_the_old_one_deleted(client, vendor, company):
    created = data(await create(client, vendor, company))
    path = f"/promotions/{created['id']}/image"

    first = await client.post(
        path,
        headers=vendor.headers,
        files={"file": ("a.jpg", samples.jpeg(exif=True), "image/jpeg")},
    )
    assert first.status_code == 200
    first_url = data(first)["image"]
    second = await client.post(
        path, headers=vendor.headers, files={"file": ("b.png", samples.png(), "image/png")}
    )
    assert data(second)["image"] != first_url
    assert (await client.get(first_url)).status_code == 404
    bad = await client.post(
        path, headers=vendor.headers, files={"file": ("c.jpg", samples.PDF, "image/jpeg")}
    )
    assert bad.status_code == 400
    assert body(bad)["errors"][0]["field"] == "file"

    deleted = await client.delete(f"/promotions/{created['id']}", headers=vendor.headers)
    assert deleted.status_code == 200
    assert (await client.get(data(second)["image"])).status_code == 404


async def test_an_uploaded_image_can_be_named_by_id(client, vendor, company):
    image = data(await upload(client, vendor, samples.jpeg(), "p.jpg", "promotion_image"))

    created = await create(client, vendor, company, image_id=image["id"])

    assert data(created)["image"] == image["file_url"]
    assert data(created)["image_id"] == image["id"]
