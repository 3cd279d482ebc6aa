"""Catalogues and categories of a company (seed 000 1.4), bulk category edits included."""

from __future__ import annotations

from bson import ObjectId

from kwika.modules.catalogue.documents import Category
from tests.modules.catalogue.conftest import create_service
from tests.support import body, data, make_company, settle


async def test_a_company_gets_catalogues(client, vendor, company):
    path = f"/companies/{company['id']}/catalogues"

    first = await client.post(
        path, headers=vendor.headers, json={"name": "Weddings", "display_order": 2}
    )
    second = await client.post(
        path, headers=vendor.headers, json={"name": "Corporate", "display_order": 1}
    )

    assert first.status_code == 201
    assert data(first)["company_id"] == company["id"]
    listing = data(await client.get(path))  # public
    assert [c["name"] for c in listing["items"]] == ["Corporate", "Weddings"]
    assert listing["pagination"]["total_items"] == 2
    duplicate = await client.post(path, headers=vendor.headers, json={"name": "WEDDINGS"})
    assert duplicate.status_code == 409
    assert body(duplicate)["errors"][0]["field"] == "name"
    assert data(second)["service_count"] == 0


async def test_catalogues_are_updated_and_deleted_by_their_owner_only(
    client, vendor, rival, company
):
    catalogue = data(
        await client.post(
            f"/companies/{company['id']}/catalogues", headers=vendor.headers, json={"name": "A1"}
        )
    )
    path = f"/catalogues/{catalogue['id']}"

    assert (await client.put(path, headers=rival.headers, json={"name": "B1"})).status_code == 404
    assert (await client.delete(path, headers=rival.headers)).status_code == 404
    theirs = await client.post(
        f"/companies/{company['id']}/catalogues", headers=rival.headers, json={"name": "Mine"}
    )
    assert theirs.status_code == 404

    renamed = await client.put(
        path, headers=vendor.headers, json={"name": "Renamed", "is_active": False}
    )
    assert renamed.status_code == 200
    assert (data(renamed)["name"], data(renamed)["is_active"]) == ("Renamed", False)

    service = await create_service(client, vendor, catalogue_id=catalogue["id"])
    listed = data(
        await client.get(f"/companies/{company['id']}/catalogues", headers=vendor.headers)
    )
    assert listed["items"][0]["service_count"] == 1
    assert (await client.delete(path, headers=vendor.headers)).status_code == 200
    kept = data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))
    assert kept["catalogue_id"] is None
    assert kept["company_id"] == company["id"]


async def test_categories_are_created_and_updated_in_bulk_by_name(client, vendor, company):
    path = f"/companies/{company['id']}/categories/bulk"

    first = await client.post(
        path,
        headers=vendor.headers,
        json={
            "categories": [{"name": "Weddings", "description": "Big days"}, {"name": "Portraits"}]
        },
    )
    assert first.status_code == 200
    assert [c["name"] for c in data(first)["created"]] == ["Weddings", "Portraits"]
    assert data(first)["updated"] == []

    second = await client.post(
        path,
        headers=vendor.headers,
        json={
            "categories": [
                {"name": "WEDDINGS"},
                {"name": "Portraits", "description": "Studio"},
                {"name": "Drone"},
            ]
        },
    )
    result = data(second)
    assert [c["name"] for c in result["created"]] == ["Drone"]
    assert [(c["name"], c["description"]) for c in result["updated"]] == [
        ("WEDDINGS", "Big days"),  # the spelling follows; an omitted description is kept
        ("Portraits", "Studio"),
    ]
    assert result["updated"][0]["id"] == data(first)["created"][0]["id"]
    listing = data(await client.get(f"/companies/{company['id']}/categories"))
    assert [c["name"] for c in listing["items"]] == ["Drone", "Portraits", "WEDDINGS"]
    assert await Category.find({"company_id": ObjectId(company["id"])}).count() == 3


async def test_bulk_category_errors(client, vendor, rival, company):
    path = f"/companies/{company['id']}/categories/bulk"

    twice = await client.post(
        path,
        headers=vendor.headers,
        json={"categories": [{"name": "Food"}, {"name": "Drinks"}, {"name": " food "}]},
    )
    assert twice.status_code == 400
    assert body(twice)["errors"] == [
        {"field": "categories.2.name", "message": "This name appears twice in the request"}
    ]
    short = await client.post(path, headers=vendor.headers, json={"categories": [{"name": "x"}]})
    assert body(short)["errors"][0]["field"] == "categories.0.name"
    empty = await client.post(path, headers=vendor.headers, json={"categories": []})
    assert empty.status_code == 400
    theirs = await client.post(path, headers=rival.headers, json={"categories": [{"name": "Xy"}]})
    assert theirs.status_code == 404
    assert data(await client.get(f"/companies/{company['id']}/categories"))["items"] == []


async def test_deleting_a_category_uncategorises_its_services(client, vendor, rival, company):
    created = data(
        await client.post(
            f"/companies/{company['id']}/categories/bulk",
            headers=vendor.headers,
            json={"categories": [{"name": "Weddings"}]},
        )
    )["created"][0]
    service = await create_service(client, vendor, category_id=created["id"])
    assert service["company_id"] == company["id"]  # the category names its company

    assert (
        await client.delete(f"/categories/{created['id']}", headers=rival.headers)
    ).status_code == 404
    assert (
        await client.delete(f"/categories/{created['id']}", headers=vendor.headers)
    ).status_code == 200
    again = data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))
    assert again["category_id"] is None


async def test_deleting_a_company_takes_its_catalogues_categories_and_promotions(
    client, vendor, company
):
    await client.post(
        f"/companies/{company['id']}/catalogues", headers=vendor.headers, json={"name": "Main"}
    )
    await client.post(
        f"/companies/{company['id']}/categories/bulk",
        headers=vendor.headers,
        json={"categories": [{"name": "Weddings"}]},
    )
    promotion = data(
        await client.post(
            "/promotions",
            headers=vendor.headers,
            json={
                "name": "June deal",
                "category": "Weddings",
                "start_date": "2030-06-01",
                "end_date": "2030-06-30",
                "price": "100",
                "company_id": company["id"],
            },
        )
    )
    service = await create_service(client, vendor, company_id=company["id"])

    blocked = await client.delete(f"/companies/{company['id']}", headers=vendor.headers)
    assert blocked.status_code == 409
    assert body(blocked)["code"] == "IN_USE"
    assert "1 service" in body(blocked)["message"]

    await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)
    assert (
        await client.delete(f"/companies/{company['id']}", headers=vendor.headers)
    ).status_code == 200
    await settle()  # the catalogue follows providers' company_deleted in the background
    assert (await client.get(f"/promotions/{promotion['id']}")).status_code == 404
    assert await Category.find({"company_id": ObjectId(company["id"])}).count() == 0
    assert (await client.get(f"/companies/{company['id']}/catalogues")).status_code == 404


async def test_catalogue_and_category_must_be_of_one_company(client, vendor):
    first = await make_company(client, vendor, name="First")
    second = await make_company(client, vendor, name="Second")
    catalogue = data(
        await client.post(
            f"/companies/{second['id']}/catalogues", headers=vendor.headers, json={"name": "Cat"}
        )
    )

    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "X",
            "description": "Y",
            "price": 1,
            "company_id": first["id"],
            "catalogue_id": catalogue["id"],
        },
    )

    assert response.status_code == 400
    assert body(response)["errors"] == [
        {"field": "catalogue_id", "message": "This belongs to another of your companies"}
    ]


async def test_single_categories_refuse_duplicate_names(client, vendor, rival, company):
    path = f"/companies/{company['id']}/categories"
    created = await client.post(
        path, headers=vendor.headers, json={"name": "Weddings", "description": "Big days"}
    )
    assert created.status_code == 201
    other = data(await client.post(path, headers=vendor.headers, json={"name": "Portraits"}))

    duplicate = await client.post(path, headers=vendor.headers, json={"name": "WEDDINGS"})
    assert duplicate.status_code == 409
    assert body(duplicate)["errors"] == [
        {"field": "name", "message": "This company already has a category with this name"}
    ]
    clash = await client.put(
        f"/categories/{other['id']}", headers=vendor.headers, json={"name": "weddings"}
    )
    assert clash.status_code == 409
    renamed = await client.put(
        f"/categories/{other['id']}", headers=vendor.headers, json={"name": "Studio portraits"}
    )
    assert data(renamed)["name"] == "Studio portraits"
    assert data(renamed)["description"] is None
    assert (
        await client.put(f"/categories/{other['id']}", headers=rival.headers, json={"name": "Mine"})
    ).status_code == 404
    assert (await client.post(path, headers=rival.headers, json={"name": "Xy"})).status_code == 404


async def test_a_deleted_catalogue_or_category_leaves_no_trace_in_public_data(
    client, vendor, company
):
    catalogue = data(
        await client.post(
            f"/companies/{company['id']}/catalogues", headers=vendor.headers, json={"name": "Main"}
        )
    )
    category = data(
        await client.post(
            f"/companies/{company['id']}/categories", headers=vendor.headers, json={"name": "Vows"}
        )
    )
    service = await create_service(
        client, vendor, catalogue_id=catalogue["id"], category_id=category["id"]
    )

    async def public() -> tuple[tuple, tuple]:
        page = data(await client.get(f"/services/{service['id']}"))  # the cached page
        await settle()  # search follows in the background
        found = data(await client.get("/services", params={"q": "wedding photos"}))["items"]
        card = next(item for item in found if item["id"] == service["id"])
        return (
            (page["catalogue_id"], page["category_id"]),
            (card["catalogue_id"], card["category_id"]),
        )

    assert await public() == ((catalogue["id"], category["id"]),) * 2

    await client.delete(f"/catalogues/{catalogue['id']}", headers=vendor.headers)
    assert await public() == ((None, category["id"]),) * 2

    await client.delete(f"/categories/{category['id']}", headers=vendor.headers)
    assert await public() == ((None, None),) * 2


async def test_switched_off_catalogues_are_shown_to_their_owner_only(
    client, vendor, rival, company
):
    path = f"/companies/{company['id']}/catalogues"
    for name, active in (("Weddings", True), ("Archive", False), ("Corporate", True)):
        created = await client.post(
            path, headers=vendor.headers, json={"name": name, "is_active": active}
        )
        assert created.status_code == 201

    async def names(**request) -> tuple[list[str], int]:
        page = data(await client.get(path, **request))
        return [c["name"] for c in page["items"]], page["pagination"]["total_items"]

    assert await names() == (["Weddings", "Corporate"], 2)
    assert await names(headers=rival.headers) == (["Weddings", "Corporate"], 2)
    assert await names(headers=vendor.headers) == (["Weddings", "Archive", "Corporate"], 3)
    assert await names(params={"limit": 1, "page": 2}) == (["Corporate"], 2)


async def test_a_companys_categories_come_a_page_at_a_time(client, vendor, company):
    names = [f"Category {n:03}" for n in range(120)]
    for start in (0, 100):
        saved = await client.post(
            f"/companies/{company['id']}/categories/bulk",
            headers=vendor.headers,
            json={"categories": [{"name": name} for name in names[start : start + 100]]},
        )
        assert saved.status_code == 200
    path = f"/companies/{company['id']}/categories"

    first = data(await client.get(path))
    assert [c["name"] for c in first["items"]] == names[:20]
    assert first["pagination"] == {
        "page": 1,
        "limit": 20,
        "total_items": 120,
        "total_pages": 6,
        "has_next": True,
        "has_previous": False,
    }
    last = data(await client.get(path, params={"page": 2, "limit": 100}))
    assert [c["name"] for c in last["items"]] == names[100:]
    too_many = await client.get(path, params={"limit": 500})
    assert too_many.status_code == 400
    assert body(too_many)["errors"][0]["field"] == "limit"
