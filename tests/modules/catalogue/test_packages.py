"""Service packages (seed 003 module 8), reorder included."""

from __future__ import annotations

import pytest
from bson import ObjectId

from tests.modules.catalogue.conftest import create_service
from tests.support import body, data, settle

PACKAGE = {
    "name": "Essential Package",
    "description": "Perfect for intimate weddings",
    "price": "50000.00",
    "compare_at_price": 60000,
    "duration_hours": 4,
    "photographers_count": 1,
    "features": ["4 hours of coverage", "200+ edited photos"],
    "deliverables": ["Online gallery"],
    "turnaround_days": 30,
    "max_revisions": 2,
}


@pytest.fixture
async def service(client, vendor):
    return await create_service(client, vendor, currency="KES")


async def add(client, account, service, **fields):
    return await client.post(
        f"/user-services/{service['id']}/packages",
        headers=account.headers,
        json={**PACKAGE, **fields},
    )


async def test_packages_are_created_in_the_service_currency(client, vendor, service):
    response = await add(client, vendor, service)

    assert response.status_code == 201
    package = data(response)
    assert (package["price"], package["compare_at_price"], package["currency"]) == (
        "50000.00",
        "60000.00",
        "KES",
    )
    assert package["features"] == PACKAGE["features"]
    assert (package["is_active"], package["is_popular"], package["display_order"]) == (
        True,
        False,
        1,
    )
    second = data(
        await add(client, vendor, service, name="Premium", price=120000, compare_at_price=None)
    )
    assert second["display_order"] == 2
    listed = data(
        await client.get(f"/user-services/{service['id']}/packages", headers=vendor.headers)
    )
    assert [p["name"] for p in listed] == ["Essential Package", "Premium"]
    detail = data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))
    assert detail["package_count"] == 2
    assert [p["id"] for p in detail["packages"]] == [package["id"], second["id"]]


async def test_package_rules(client, vendor, service):
    cheaper_before = await add(client, vendor, service, compare_at_price=100)
    assert body(cheaper_before)["errors"][0]["field"] == "compare_at_price"
    free = await add(client, vendor, service, price=0)
    assert body(free)["errors"][0]["field"] == "price"
    no_features = await add(client, vendor, service, features=[])
    assert body(no_features)["errors"][0]["field"] == "features"
    long_name = await add(client, vendor, service, name="x" * 51)
    assert body(long_name)["errors"][0]["field"] == "name"


async def test_at_most_twenty_packages(client, vendor, service):
    for n in range(20):
        assert (await add(client, vendor, service, name=f"P{n}")).status_code == 201

    response = await add(client, vendor, service, name="One too many")

    assert response.status_code == 400
    assert body(response)["code"] == "LIMIT_REACHED"


async def test_updating_and_deleting(client, vendor, service):
    package = data(await add(client, vendor, service))
    path = f"/user-services/{service['id']}/packages/{package['id']}"

    updated = await client.put(
        path, headers=vendor.headers, json={"name": "Budget", "price": 55000, "is_popular": True}
    )
    assert updated.status_code == 200
    assert (data(updated)["name"], data(updated)["price"], data(updated)["is_popular"]) == (
        "Budget",
        "55000.00",
        True,
    )
    assert data(updated)["features"] == PACKAGE["features"]
    below = await client.put(path, headers=vendor.headers, json={"price": 70000})
    assert body(below)["errors"][0]["field"] == "compare_at_price"

    deleted = await client.delete(path, headers=vendor.headers)
    assert deleted.status_code == 200
    assert body(deleted)["message"] == "Package deleted successfully"
    assert (await client.put(path, headers=vendor.headers, json={"name": "X"})).status_code == 404
    detail = data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))
    assert detail["package_count"] == 0


async def test_packages_are_reordered(client, vendor, service):
    ids = [
        data(await add(client, vendor, service, name=name))["id"]
        for name in ("Essential", "Premium", "Platinum")
    ]

    response = await client.put(
        f"/user-services/{service['id']}/packages/reorder",
        headers=vendor.headers,
        json={
            "order": [
                {"package_id": ids[2], "display_order": 1},
                {"package_id": ids[0], "display_order": 2},
                {"package_id": ids[1], "display_order": 3},
            ]
        },
    )

    assert response.status_code == 200
    assert body(response)["message"] == "Packages reordered successfully"
    assert [p["name"] for p in data(response)] == ["Platinum", "Essential", "Premium"]
    listed = data(
        await client.get(f"/user-services/{service['id']}/packages", headers=vendor.headers)
    )
    assert [p["id"] for p in listed] == [ids[2], ids[0], ids[1]]
    assert [p["display_order"] for p in listed] == [1, 2, 3]

    partial = await client.put(
        f"/user-services/{service['id']}/packages/reorder",
        headers=vendor.headers,
        json={"order": [{"packageId": ids[1], "displayOrder": 0}]},  # camelCase works too
    )
    assert [p["name"] for p in data(partial)] == ["Premium", "Platinum", "Essential"]


async def test_reorder_names_only_this_services_packages_once(client, vendor, service):
    mine = data(await add(client, vendor, service))["id"]
    other_service = await create_service(client, vendor)
    elsewhere = data(await add(client, vendor, other_service))["id"]
    path = f"/user-services/{service['id']}/packages/reorder"

    response = await client.put(
        path,
        headers=vendor.headers,
        json={
            "order": [
                {"package_id": mine, "display_order": 1},
                {"package_id": mine, "display_order": 2},
                {"package_id": elsewhere, "display_order": 3},
                {"package_id": str(ObjectId()), "display_order": 4},
                {"package_id": "junk", "display_order": 5},
            ]
        },
    )

    assert response.status_code == 400
    assert body(response)["errors"] == [
        {"field": "order.1.package_id", "message": "Listed twice"},
        {"field": "order.4.package_id", "message": "Not a package of this service"},
        {"field": "order.2.package_id", "message": "Not a package of this service"},
        {"field": "order.3.package_id", "message": "Not a package of this service"},
    ]
    negative = await client.put(
        path, headers=vendor.headers, json={"order": [{"package_id": mine, "display_order": -1}]}
    )
    assert body(negative)["errors"][0]["field"] == "order.0.display_order"


async def test_another_providers_packages_are_404(client, vendor, rival, service):
    package = data(await add(client, vendor, service))
    base = f"/user-services/{service['id']}/packages"

    assert (await client.get(base, headers=rival.headers)).status_code == 404
    assert (await add(client, rival, service)).status_code == 404
    assert (
        await client.put(f"{base}/{package['id']}", headers=rival.headers, json={"name": "Mine"})
    ).status_code == 404
    assert (
        await client.delete(f"{base}/{package['id']}", headers=rival.headers)
    ).status_code == 404
    assert (
        await client.put(
            f"{base}/reorder",
            headers=rival.headers,
            json={"order": [{"package_id": package["id"], "display_order": 9}]},
        )
    ).status_code == 404
    # A package under the wrong service is not found either.
    theirs = await create_service(client, rival)
    assert (
        await client.put(
            f"/user-services/{theirs['id']}/packages/{package['id']}",
            headers=rival.headers,
            json={"name": "X"},
        )
    ).status_code == 404


async def test_every_package_write_shows_at_once_on_the_public_page_then_in_search(
    client, vendor, service
):
    page_path = f"/services/{service['id']}"
    base = f"/user-services/{service['id']}/packages"

    async def shown() -> list[tuple[str, str]]:
        page = data(await client.get(page_path))  # the cached page
        return [(p["name"], p["price"]) for p in page["packages"]]

    async def listed_count() -> int:
        await settle()  # search follows in the background
        found = data(await client.get("/services", params={"q": "wedding photos"}))
        return next(i for i in found["items"] if i["id"] == service["id"])["package_count"]

    assert await shown() == []
    essential = data(await add(client, vendor, service))
    assert await shown() == [("Essential Package", "50000.00")]
    premium = data(
        await add(client, vendor, service, name="Premium", price=120000, compare_at_price=None)
    )
    assert await shown() == [("Essential Package", "50000.00"), ("Premium", "120000.00")]
    assert await listed_count() == 2

    await client.put(f"{base}/{essential['id']}", headers=vendor.headers, json={"price": 55000})
    assert await shown() == [("Essential Package", "55000.00"), ("Premium", "120000.00")]
    await client.put(
        f"{base}/reorder",
        headers=vendor.headers,
        json={
            "order": [
                {"package_id": premium["id"], "display_order": 1},
                {"package_id": essential["id"], "display_order": 2},
            ]
        },
    )
    assert await shown() == [("Premium", "120000.00"), ("Essential Package", "55000.00")]
    await client.put(f"{base}/{premium['id']}", headers=vendor.headers, json={"is_active": False})
    assert await shown() == [("Essential Package", "55000.00")]
    deleted = await client.delete(f"{base}/{essential['id']}", headers=vendor.headers)
    assert deleted.status_code == 200
    assert await shown() == []
    assert await listed_count() == 1
