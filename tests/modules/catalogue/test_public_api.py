"""What other modules get from the catalogue: snapshots for discovery, guarded counters for
reviews and bookings, erasure with the account."""

from __future__ import annotations

import pytest
from bson import ObjectId

from kwika.core.errors import NotFound, ValidationFailed
from kwika.modules import catalogue, providers
from kwika.modules.catalogue.documents import Package, Promotion, Service
from kwika.modules.identity.signals import user_anonymised
from kwika.modules.providers.documents import Company, ProviderProfile
from tests.modules.catalogue.conftest import create_service
from tests.modules.media import samples
from tests.support import data, settle


async def test_service_snapshots_are_search_friendly(client, vendor, company, photography):
    created = await create_service(
        client,
        vendor,
        title="Drone Coverage",
        service_type_id=photography["Drone Photography"],
        company_id=company["id"],
        location="Dar es Salaam",
        latitude=-6.8,
        longitude=39.28,
        min_price=100,
        max_price=300,
        price=None,
    )

    snapshot = await catalogue.get_service(created["id"])

    assert snapshot.title_key == "drone coverage"
    assert snapshot.location_key == "dar es salaam"
    assert snapshot.service_category_id == photography["category"]
    assert (snapshot.min_price_minor, snapshot.max_price_minor) == (10_000, 30_000)
    assert (snapshot.latitude, snapshot.longitude) == (-6.8, 39.28)
    assert (snapshot.status, snapshot.is_available, snapshot.is_verified) == ("active", True, False)
    assert snapshot.company_id == company["id"]
    many = await catalogue.get_services([created["id"], str(ObjectId()), "junk"])
    assert list(many) == [created["id"]]
    with pytest.raises(NotFound):
        await catalogue.get_service(str(ObjectId()))


async def test_reviews_and_bookings_keep_guarded_counters(client, vendor):
    created = await create_service(client, vendor)
    package = data(
        await client.post(
            f"/user-services/{created['id']}/packages",
            headers=vendor.headers,
            json={"name": "Basic", "price": 10, "features": ["x"]},
        )
    )

    await catalogue.record_rating(created["id"], add=5)
    await catalogue.record_rating(created["id"], add=4)
    await catalogue.record_rating(created["id"], remove=5, add=2)
    await catalogue.adjust_booking_count(created["id"], 1, package["id"])
    await catalogue.adjust_booking_count(created["id"], -5)  # never below zero

    service = data(await client.get(f"/user-services/{created['id']}", headers=vendor.headers))
    assert (service["rating"], service["review_count"], service["booking_count"]) == (3.0, 2, 1)
    assert service["packages"][0]["booking_count"] == 1
    summary = data(await client.get("/user-services", headers=vendor.headers))["summary"]
    assert (summary["total_reviews"], summary["average_rating"], summary["total_bookings"]) == (
        2,
        3.0,
        1,
    )
    with pytest.raises(ValidationFailed):
        await catalogue.record_rating(created["id"], add=9)
    packages = await catalogue.get_packages(created["id"])
    assert [p.name for p in packages] == ["Basic"]
    assert (await catalogue.get_package(package["id"])).price_minor == 1000


async def test_an_anonymised_account_takes_its_offer_with_it(client, vendor, company, photography):
    category, wedding = photography["category"], photography["Wedding Photography"]
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        data={"title": "T", "description": "D", "price": "1", "service_type_id": wedding},
        files=[("images", ("a.jpg", samples.jpeg(), "image/jpeg"))],
    )
    service = data(response)
    await client.post(
        f"/user-services/{service['id']}/packages",
        headers=vendor.headers,
        json={"name": "Basic", "price": 10, "features": ["x"]},
    )
    await client.post(
        "/promotions",
        headers=vendor.headers,
        json={
            "name": "Deal",
            "category": "Weddings",
            "start_date": "2030-01-01",
            "end_date": "2030-01-31",
            "price": 5,
            "company_id": company["id"],
        },
    )
    types = data(await client.get(f"/references/service-types/category/{category}"))
    before = next(t["service_count"] for t in types if t["id"] == wedding)

    await user_anonymised.send(user_id=ObjectId(vendor.id))
    await settle()  # each module erases in its own background delivery

    owner = ObjectId(vendor.id)
    assert await Service.find({"owner_id": owner}).count() == 0
    assert await Package.find({"owner_id": owner}).count() == 0
    assert await Promotion.find({"owner_id": owner}).count() == 0
    assert await Company.find({"owner_id": owner}).count() == 0
    assert await ProviderProfile.find({"user_id": owner}).count() == 0
    assert await providers.get_provider_by_user(owner) is None
    assert (await client.get(service["image"])).status_code == 404
    types = data(await client.get(f"/references/service-types/category/{category}"))
    assert next(t["service_count"] for t in types if t["id"] == wedding) == before - 1
