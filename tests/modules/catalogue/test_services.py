"""Seed 003 module 7 services with seed 000's fields: create, read, list with summary,
update, delete; ownership, validation, counters, location."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.signals import Veto
from kwika.modules.catalogue import signals
from kwika.modules.catalogue.documents import Service
from tests.modules.catalogue.conftest import create_service
from tests.modules.media import samples
from tests.support import body, data, make_company, settle


async def type_count(client, category_id, type_id):
    types = data(await client.get(f"/references/service-types/category/{category_id}"))
    return next(t["service_count"] for t in types if t["id"] == type_id)


async def test_a_vendor_creates_a_service_with_seed_003_fields(
    client, vendor, company, photography
):
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "Premium Wedding Photography",
            "description": "Capturing your special moments.",
            "short_description": "10 years of weddings",
            "service_type_id": photography["Wedding Photography"],
            "min_price": 50000,
            "max_price": "250000.00",
            "currency": "kes",
            "price_unit": "per_event",
            "location": "Nairobi, Kenya",
            "service_areas": "Nairobi, Mombasa, Nakuru",
            "languages": ["English", "Swahili"],
            "years_experience": 10,
            "team_size": 4,
            "highlights": '["Award-winning", "Drone included"]',
            "company_id": company["id"],
            "latitude": -1.2864,
            "longitude": 36.8172,
        },
    )

    assert response.status_code == 201
    service = data(response)
    assert service["kind"] == "service"
    assert service["title"] == service["name"] == "Premium Wedding Photography"
    assert (service["min_price"], service["max_price"], service["price"]) == (
        "50000.00",
        "250000.00",
        "50000.00",
    )
    assert (service["currency"], service["price_type"]) == ("KES", "range")
    assert service["service_category"] == {
        "id": photography["category"],
        "name": "Photography and Videography",
        "icon": "camera",
    }
    assert service["service_type"]["name"] == "Wedding Photography"
    assert service["service_areas"] == ["Nairobi", "Mombasa", "Nakuru"]
    assert service["highlights"] == ["Award-winning", "Drone included"]
    assert (service["status"], service["availability"]) == ("active", "available")
    assert (service["verification_status"], service["verification_progress"]) == ("unverified", 0)
    assert service["user_id"] == vendor.id
    assert service["provider_id"] == vendor.extra["provider"]["id"]
    stored = await Service.get(ObjectId(service["id"]))
    assert stored.min_price_minor == 5_000_000
    assert stored.geo.model_dump() == {"type": "Point", "coordinates": [36.8172, -1.2864]}
    assert stored.title_key == "premium wedding photography"
    assert stored.service_area_keys == ["nairobi", "mombasa", "nakuru"]


async def test_seed_000_names_and_defaults(client, vendor):
    service = await create_service(client, vendor, name="Catering", title=None, price="15000.50")

    assert service["title"] == "Catering"
    assert (service["price"], service["price_type"], service["currency"]) == (
        "15000.50",
        "fixed",
        "TZS",
    )
    assert service["max_price"] is None
    assert service["service_type"] is None


async def test_counters_follow_services(client, vendor, photography):
    category, wedding = photography["category"], photography["Wedding Photography"]
    before = await type_count(client, category, wedding)

    service = await create_service(client, vendor, service_type_id=wedding)

    assert await type_count(client, category, wedding) == before + 1
    assert data(await client.get("/users/me", headers=vendor.headers))["service_count"] == 1
    drone = photography["Drone Photography"]
    await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"service_type_id": drone}
    )
    assert await type_count(client, category, wedding) == before
    assert await type_count(client, category, drone) == 1
    await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)
    assert await type_count(client, category, drone) == 0
    assert data(await client.get("/users/me", headers=vendor.headers))["service_count"] == 0


async def test_one_error_per_bad_field(client, vendor):
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "price_type": "range",
            "min_price": 100,
            "max_price": 50,
            "latitude": 1,
            "currency": "XYZ",
        },
    )

    assert response.status_code == 400
    fields = {e["field"] for e in body(response)["errors"]}
    assert {"title", "description", "longitude", "currency"} <= fields
    decimals = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={"title": "T", "description": "D", "price": "10.123"},
    )
    assert body(decimals)["errors"] == [
        {"field": "min_price", "message": "TZS amounts have at most 2 decimal places"}
    ]
    backwards = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={"title": "T", "description": "D", "min_price": 100, "max_price": 50},
    )
    assert body(backwards)["errors"] == [
        {"field": "max_price", "message": "max_price must be at least min_price"}
    ]
    negative = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={"title": "T", "description": "D", "price": -1},
    )
    assert body(negative)["errors"][0]["field"] == "price"


async def test_reference_ids_are_checked(client, vendor, photography):
    catering = (await client.get("/references/service-categories")).json()["data"][1]["id"]

    unknown = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={"title": "T", "description": "D", "price": 1, "service_type_id": str(ObjectId())},
    )
    assert body(unknown)["errors"] == [
        {"field": "service_type_id", "message": "Unknown service type"}
    ]
    mismatch = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "T",
            "description": "D",
            "price": 1,
            "service_type_id": photography["Wedding Photography"],
            "service_category_id": catering,
        },
    )
    assert body(mismatch)["errors"][0]["field"] == "service_category_id"
    category_only = await create_service(client, vendor, service_category_id=catering)
    assert category_only["service_category_id"] == catering


async def test_only_providers_create_services(client, client_user):
    response = await client.post(
        "/user-services",
        headers=client_user.headers,
        json={"title": "T", "description": "D", "price": 1},
    )

    assert response.status_code == 403
    assert body(response)["code"] == "PROVIDER_PROFILE_REQUIRED"
    assert (await client.get("/user-services")).status_code == 401


async def test_another_providers_company_catalogue_or_category_is_404(client, vendor, rival):
    theirs = await make_company(client, rival)
    catalogue = data(
        await client.post(
            f"/companies/{theirs['id']}/catalogues", headers=rival.headers, json={"name": "Cat"}
        )
    )
    category = data(
        await client.post(
            f"/companies/{theirs['id']}/categories/bulk",
            headers=rival.headers,
            json={"categories": [{"name": "Weddings"}]},
        )
    )["created"][0]

    for field, value in (
        ("company_id", theirs["id"]),
        ("catalogue_id", catalogue["id"]),
        ("category_id", category["id"]),
    ):
        response = await client.post(
            "/user-services",
            headers=vendor.headers,
            json={"title": "T", "description": "D", "price": 1, field: value},
        )
        assert response.status_code == 404, field


async def test_multipart_services_with_images(client, vendor):
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        data={
            "title": "Decor",
            "description": "Flowers",
            "min_price": "1000",
            "service_areas": "Arusha,Moshi",
        },
        files=[
            ("images", ("a.jpg", samples.jpeg(exif=True), "image/jpeg")),
            ("images", ("b.png", samples.png(), "image/png")),
        ],
    )

    assert response.status_code == 201, response.text
    service = data(response)
    assert [i["display_order"] for i in service["images"]] == [1, 2]
    assert [i["is_primary"] for i in service["images"]] == [True, False]
    assert service["image"] == service["images"][0]["url"]
    assert service["service_areas"] == ["Arusha", "Moshi"]
    assert (await client.get(service["image"])).status_code == 200
    bad = await client.post(
        "/user-services",
        headers=vendor.headers,
        data={"title": "Decor", "description": "Flowers", "min_price": "1000"},
        files=[("images", ("a.jpg", samples.TEXT, "image/jpeg"))],
    )
    assert bad.status_code == 400
    assert body(bad)["errors"][0]["field"] == "images.0"
    stray = await client.post(
        "/user-services",
        headers=vendor.headers,
        data={"title": "Decor", "description": "Flowers", "min_price": "1000"},
        files=[("cover", ("a.jpg", samples.jpeg(), "image/jpeg"))],
    )
    assert body(stray)["errors"][0]["field"] == "cover"


async def test_my_services_with_summary_filters_and_sorting(client, vendor, rival, photography):
    first = await create_service(client, vendor, title="Alpha")
    second = await create_service(
        client, vendor, title="beta", service_type_id=photography["Drone Photography"]
    )
    await create_service(client, rival, title="Theirs")
    await client.put(
        f"/user-services/{first['id']}", headers=vendor.headers, json={"status": "inactive"}
    )

    page = data(await client.get("/user-services", headers=vendor.headers))
    assert [s["id"] for s in page["items"]] == [second["id"], first["id"]]
    assert page["services"] == page["items"]
    assert page["summary"] == {
        "total_services": 2,
        "active_services": 1,
        "verified_services": 0,
        "pending_verification": 0,
        "total_bookings": 0,
        "total_reviews": 0,
        "average_rating": None,
    }
    by_title = data(
        await client.get(
            "/user-services",
            headers=vendor.headers,
            params={"sort_by": "title", "sort_order": "asc"},
        )
    )
    assert [s["title"] for s in by_title["items"]] == ["Alpha", "beta"]
    active = data(
        await client.get("/user-services", headers=vendor.headers, params={"status": "active"})
    )
    assert [s["id"] for s in active["items"]] == [second["id"]]
    photo = data(
        await client.get(
            "/user-services",
            headers=vendor.headers,
            params={"category_id": photography["category"]},
        )
    )
    assert [s["id"] for s in photo["items"]] == [second["id"]]
    bad = await client.get(
        "/user-services", headers=vendor.headers, params={"sort_by": "price", "status": "gone"}
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "VALIDATION_FAILED"
    # Typed query parameters: a bad value names the parameter and the values it takes.
    assert sorted(bad.json()["errors"], key=lambda e: e["field"]) == [
        {"field": "sort_by", "message": "Use one of: created_at, title, rating, review_count"},
        {"field": "status", "message": "Use one of: active, inactive, suspended, all"},
    ]


async def test_a_service_in_detail_and_ownership(client, vendor, rival):
    service = await create_service(client, vendor)

    detail = await client.get(f"/user-services/{service['id']}", headers=vendor.headers)
    assert detail.status_code == 200
    assert data(detail)["packages"] == []
    assert data(detail)["kyc_status"] == {
        "overall_status": "unverified",
        "progress": 0,
        "requirements": [],
    }
    path = f"/user-services/{service['id']}"
    assert (await client.get(path, headers=rival.headers)).status_code == 404
    assert (await client.put(path, headers=rival.headers, json={"title": "X"})).status_code == 404
    assert (await client.delete(path, headers=rival.headers)).status_code == 404
    assert (await client.get("/user-services/zzz", headers=vendor.headers)).status_code == 404


async def test_updating_changes_only_what_is_sent(client, vendor, company):
    service = await create_service(
        client,
        vendor,
        location="Arusha",
        short_description="Short",
        latitude=-3.38,
        longitude=36.68,
    )

    response = await client.put(
        f"/user-services/{service['id']}",
        headers=vendor.headers,
        json={
            "price": 750000,
            "short_description": None,
            "is_available": False,
            "company_id": company["id"],
            "latitude": None,
            "longitude": None,
        },
    )

    assert response.status_code == 200
    updated = data(response)
    assert updated["price"] == "750000.00"
    assert updated["short_description"] == "Full-day coverage"  # back to the description's
    assert (updated["is_available"], updated["availability"]) == (False, "unavailable")
    assert updated["location"] == "Arusha"
    assert updated["company_id"] == company["id"]
    assert updated["latitude"] is None
    kind = await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"kind": "experience"}
    )
    assert body(kind)["errors"][0]["field"] == "kind"


async def test_a_suspended_service_stays_suspended(client, vendor):
    service = await create_service(client, vendor)
    await Service.get_motor_collection().update_one(
        {"_id": ObjectId(service["id"])}, {"$set": {"status": "suspended"}}
    )

    response = await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"status": "active"}
    )

    assert response.status_code == 409
    assert body(response)["code"] == "SERVICE_SUSPENDED"


async def test_changing_the_currency_converts_the_packages(client, vendor):
    service = await create_service(client, vendor, price="100.50")
    await client.post(
        f"/user-services/{service['id']}/packages",
        headers=vendor.headers,
        json={"name": "Basic", "price": "99.99", "features": ["x"]},
    )

    refused = await client.put(
        f"/user-services/{service['id']}",
        headers=vendor.headers,
        json={"currency": "UGX", "price": 100},
    )
    assert refused.status_code == 400
    assert body(refused)["errors"][0]["field"] == "currency"

    moved = await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"currency": "KES"}
    )
    assert (data(moved)["currency"], data(moved)["price"]) == ("KES", "100.50")
    packages = data(
        await client.get(f"/user-services/{service['id']}/packages", headers=vendor.headers)
    )
    assert (packages[0]["price"], packages[0]["currency"]) == ("99.99", "KES")


async def test_deleting_a_service_takes_its_packages_and_images(client, vendor):
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        data={"title": "T", "description": "D", "price": "1"},
        files=[("images", ("a.jpg", samples.jpeg(), "image/jpeg"))],
    )
    service = data(response)
    await client.post(
        f"/user-services/{service['id']}/packages",
        headers=vendor.headers,
        json={"name": "Basic", "price": "10", "features": ["x"]},
    )

    deleted = await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)

    assert deleted.status_code == 200
    assert body(deleted)["message"] == "Service deleted successfully"
    assert (await client.get(service["image"])).status_code == 404
    assert (
        await client.get(f"/user-services/{service['id']}", headers=vendor.headers)
    ).status_code == 404


async def test_deleting_is_refused_while_bookings_say_so(client, vendor):
    service = await create_service(client, vendor)
    package = data(
        await client.post(
            f"/user-services/{service['id']}/packages",
            headers=vendor.headers,
            json={"name": "Basic", "price": "10", "features": ["x"]},
        )
    )
    asked = []

    async def active_bookings(service_id, owner_id):
        asked.append((service_id, owner_id))
        return Veto(
            "Cannot delete service with active bookings. Please cancel or complete all "
            "bookings first.",
            {"active_bookings": 3},
        )

    async def package_bookings(package_id, service_id, owner_id):
        return "Cannot delete package with active bookings"

    signals.service_deletion.connect(active_bookings)
    signals.package_deletion.connect(package_bookings)
    try:
        refused = await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)
        refused_package = await client.delete(
            f"/user-services/{service['id']}/packages/{package['id']}", headers=vendor.headers
        )
    finally:
        signals.service_deletion.disconnect(active_bookings)
        signals.package_deletion.disconnect(package_bookings)

    assert refused.status_code == 409
    assert body(refused) == {
        "success": False,
        "message": "Cannot delete service with active bookings. Please cancel or complete all "
        "bookings first.",
        "code": "IN_USE",
        "data": {"active_bookings": 3},
    }
    assert asked == [(ObjectId(service["id"]), ObjectId(vendor.id))]
    assert refused_package.status_code == 409
    assert body(refused_package)["message"] == "Cannot delete package with active bookings"
    assert (
        await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)
    ).status_code == 200


async def test_services_are_stored_for_geo_queries(client, vendor):
    near = await create_service(client, vendor, latitude=-6.80, longitude=39.28)
    await create_service(client, vendor, latitude=-3.38, longitude=36.68)

    cursor = Service.get_motor_collection().aggregate(
        [
            {
                "$geoNear": {
                    "near": {"type": "Point", "coordinates": [39.27, -6.81]},
                    "distanceField": "distance",
                    "maxDistance": 5000,
                    "spherical": True,
                }
            },
        ]
    )
    found = [str(doc["_id"]) async for doc in cursor]
    assert found == [near["id"]]


async def test_a_verified_business_phone_is_shown_on_services(client, outbox, vendor):
    from tests.modules.providers.test_business_phones import verified_phone

    phone = await verified_phone(client, outbox, vendor)
    first = await create_service(client, vendor, business_phone_id=phone["id"])
    second = await create_service(client, vendor, business_phone_id=phone["id"])

    assert (
        first["business_phone"]
        == second["business_phone"]
        == {"id": phone["id"], "phone_number": phone["phone_number"]}
    )
    blocked = await client.delete(
        f"/user-services/business-phones/{phone['id']}", headers=vendor.headers
    )
    assert blocked.status_code == 409
    assert "2 service(s)" in body(blocked)["message"]
    cleared = await client.put(
        f"/user-services/{first['id']}", headers=vendor.headers, json={"business_phone_id": None}
    )
    assert data(cleared)["business_phone"] is None


async def test_short_description_defaults_to_the_first_100_characters(client, vendor):
    """Seed 003's 2026-02-19 addendum: `short_description` is the first 100 characters of
    the description when the vendor gives none."""
    long_text = (
        "Full-day wedding coverage with two photographers, drone shots, a same-day slideshow "
        "and a printed album delivered within three weeks."
    )
    service = await create_service(client, vendor, title="Lens Studio", description=long_text)
    path = f"/user-services/{service['id']}"

    async def everywhere() -> set[str | None]:
        mine = data(await client.get(path, headers=vendor.headers))
        page = data(await client.get(f"/services/{service['id']}"))
        await settle()  # search follows in the background
        found = data(await client.get("/services", params={"q": "lens studio"}))["items"]
        card = next(item for item in found if item["id"] == service["id"])
        return {mine["short_description"], page["short_description"], card["short_description"]}

    assert service["short_description"] == long_text[:100]
    assert len(service["short_description"]) == 100
    assert await everywhere() == {long_text[:100]}

    await client.put(path, headers=vendor.headers, json={"description": "Short and sweet"})
    assert await everywhere() == {"Short and sweet"}  # follows the description

    await client.put(path, headers=vendor.headers, json={"short_description": "Weddings"})
    assert await everywhere() == {"Weddings"}  # the vendor's own wins

    await client.put(path, headers=vendor.headers, json={"short_description": None})
    assert await everywhere() == {"Short and sweet"}
