"""The search contract clients build on: facets, cards, bounds of every parameter, what
counts as a popular search and how far typo tolerance goes (seed 003 9.1 + addendum,
seed 002 Task 11)."""

from __future__ import annotations

from bson import ObjectId

from kwika.core import clock
from kwika.modules.discovery import listings
from kwika.modules.discovery.listings import ListingIn
from tests.support import body, data, make_provider, reference_ids, register, settle

DAR = {"lat": -6.7924, "lng": 39.2083}


async def feed(kind="service", title="Wedding Photography", **fields):
    ref_id = str(ObjectId())
    values = {
        "kind": kind,
        "ref_id": ref_id,
        "title": title,
        "created_at": clock.now(),
        "card": {"id": ref_id, "title": title},
        **fields,
    }
    await listings.upsert(ListingIn(**values))
    return ref_id


async def publish(client, vendor, refs, title, **fields):
    response = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": title,
            "description": "Wedding photography",
            "price": "400000",
            "service_type_id": refs["Wedding Photography"],
            **fields,
        },
    )
    assert response.status_code == 201, response.text
    await settle()  # discovery lists it in the background
    return data(response)["id"]


def fields_of(response):
    assert response.status_code == 400, response.text
    assert body(response)["code"] == "VALIDATION_FAILED"
    return {error["field"]: error["message"] for error in body(response)["errors"]}


# ---------------------------------------------------------------- facets and district


async def test_service_locations_facet_and_district_filter_use_the_service_location(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    nairobi = {
        await publish(client, vendor, refs, "Nairobi Lens", location="Nairobi, Kenya"),
        await publish(client, vendor, refs, "Westlands Lens", location="nairobi"),
    }
    mombasa = await publish(client, vendor, refs, "Coast Lens", location="Mombasa, Kenya")
    await publish(client, vendor, refs, "Nowhere Lens")

    page = data(await client.get("/services"))
    assert page["filters"]["locations"] == [
        {"name": "Nairobi", "count": 2},
        {"name": "Mombasa", "count": 1},
    ]
    by_district = data(await client.get("/services", params={"district": "Nairobi"}))
    assert {item["id"] for item in by_district["items"]} == nairobi
    by_place = data(await client.get("/services", params={"location": "mombasa"}))
    assert [item["id"] for item in by_place["items"]] == [mombasa]


async def test_category_facets_carry_the_category_name(client, outbox):
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    await publish(client, vendor, refs, "Lens One")
    await publish(client, vendor, refs, "Lens Two")
    page = data(await client.get("/services"))
    assert page["filters"]["categories"] == [
        {"id": refs["category"], "name": "Photography and Videography", "count": 2}
    ]


# ---------------------------------------------------------------- cards


async def test_service_cards_carry_provider_verified_and_distance(client, outbox):
    vendor = await make_provider(client, outbox, first_name="Amani")
    refs = await reference_ids(client, "Photography and Videography")
    located = await publish(client, vendor, refs, "Located Lens", latitude=-6.80, longitude=39.21)
    await publish(client, vendor, refs, "Unlocated Lens")

    plain = data(await client.get("/services", params={"sort_by": "newest"}))["items"]
    assert [item["distance_km"] for item in plain] == [None, None]
    card = plain[0]
    assert card["verified"] is False
    assert card["provider"] == {
        "id": vendor.extra["provider"]["id"],
        "user_id": vendor.id,
        "name": vendor.extra["provider"]["display_name"],
        "avatar": None,
        "verified": False,
        "rating": None,
        "review_count": 0,
    }
    near = data(await client.get("/services", params=DAR))["items"]
    assert [item["id"] for item in near] == [located]
    assert isinstance(near[0]["distance_km"], float)

    # The provider renames themselves: the cards follow (once the background work ran).
    renamed = await client.put(
        "/users/profile", headers=vendor.headers, json={"first_name": "Zuberi"}
    )
    assert renamed.status_code == 200, renamed.text
    await settle()
    names = {item["provider"]["name"] for item in data(await client.get("/services"))["items"]}
    assert len(names) == 1
    assert names.pop().startswith("Zuberi")


async def test_global_search_items_say_what_they_are(client, outbox):
    await feed(kind="service", title="Safari Photos")
    await feed(kind="experience", title="Safari Walk")
    await feed(kind="provider", title="Safari Guide")
    await feed(kind="company", title="Safari House")
    page = data(await client.get("/search", params={"q": "safari"}))
    assert sorted((item["title"], item["type"]) for item in page["items"]) == [
        ("Safari Guide", "provider"),
        ("Safari House", "company"),
        ("Safari Photos", "service"),
        ("Safari Walk", "experience"),
    ]


# ---------------------------------------------------------------- bounds of the parameters


async def test_price_bounds_must_be_finite_amounts_in_range(client):
    for path in ("/services", "/experiences", "/search"):
        for name, value in (
            ("max_price", "Infinity"),
            ("max_price", "-Infinity"),
            ("min_price", "nan"),
            ("min_price", "1e30"),
            ("max_price", "-5"),
        ):
            errors = fields_of(await client.get(path, params={name: value}))
            assert list(errors) == [name], (path, name, value, errors)
    assert (
        "finite"
        in fields_of(await client.get("/services", params={"min_price": "nan"}))["min_price"]
    )
    assert fields_of(await client.get("/services", params={"max_price": "5", "currency": "XYZ"}))[
        "currency"
    ]
    # The largest accepted amount still works.
    assert (await client.get("/services", params={"max_price": "1000000000000"})).status_code == 200


async def test_location_parameters_are_checked_together(client):
    assert set(fields_of(await client.get("/services", params={"radius_km": 10}))) == {
        "lat",
        "lng",
    }
    assert set(fields_of(await client.get("/providers", params={"radius_km": 10}))) == {
        "lat",
        "lng",
    }
    assert set(fields_of(await client.get("/services", params={"lat": 1}))) == {"lng"}
    assert set(fields_of(await client.get("/services", params={"lng": 1}))) == {"lat"}
    assert set(fields_of(await client.get("/services", params={"lat": 91, "lng": 0}))) == {"lat"}
    assert set(fields_of(await client.get("/services", params={"lat": 0, "lng": 181}))) == {"lng"}
    for radius in (0, -1, 1e9, "nan", "inf"):
        errors = fields_of(await client.get("/services", params={**DAR, "radius_km": radius}))
        assert set(errors) == {"radius_km"}, radius
    for name in ("lat", "lng", "min_rating"):
        errors = fields_of(await client.get("/services", params={**DAR, name: "nan"}))
        assert set(errors) == {name}


async def test_services_near_a_point_default_to_a_50_km_radius(client):
    near = await feed(title="Near Lens", latitude=-6.80, longitude=39.25)  # ~5 km
    far = await feed(title="Far Lens", latitude=-6.80, longitude=39.95)  # ~82 km
    await feed(title="Unlocated Lens")
    assert [item["id"] for item in data(await client.get("/services", params=DAR))["items"]] == [
        near
    ]
    wider = data(await client.get("/services", params={**DAR, "radius_km": 100}))["items"]
    assert {item["id"] for item in wider} == {near, far}
    # Providers keep no default radius: every located one, nearest first.
    closest = await feed(kind="provider", title="Near Vendor", latitude=-6.80, longitude=39.25)
    farthest = await feed(kind="provider", title="Far Vendor", latitude=-6.80, longitude=41.0)
    providers = data(await client.get("/providers", params={**DAR, "sort_by": "distance"}))
    assert [item["id"] for item in providers["items"]] == [closest, farthest]


async def test_a_bad_promotion_date_is_reported_under_date(client):
    assert set(fields_of(await client.get("/promotions", params={"date": "bad"}))) == {"date"}


# ---------------------------------------------------------------- popular searches


async def test_only_successful_worded_searches_by_several_people_become_popular(client, outbox):
    await feed(title="Serengeti Safari")
    for q in ("(.*", "**", "  "):
        assert (await client.get("/search", params={"q": q})).status_code == 200
    bad = await client.get("/search", params={"q": "safari", "min_price": "nan"})
    assert bad.status_code == 400
    for _ in range(5):  # one person searching again and again
        await client.get("/search", params={"q": "  SAFARI!! "})
    assert data(await client.get("/search/popular")) == []
    suggested = data(await client.get("/search/suggest", params={"q": "saf"}))
    assert [s for s in suggested if s["type"] == "popular"] == []

    people = [await register(client, outbox) for _ in range(2)]
    for person in people:
        await client.get("/search", params={"q": "Safari"}, headers=person.headers)
        await client.get("/search", params={"q": "kilimanjaro"}, headers=person.headers)
    await client.get("/search", params={"q": "kilimanjaro"})
    # Three people searched each; only the search that found something is suggested.
    assert data(await client.get("/search/popular")) == [{"query": "safari", "count": 3}]
    suggested = data(await client.get("/search/suggest", params={"q": "saf"}))
    assert {"text": "safari", "type": "popular", "kind": None, "id": None} in suggested


# ---------------------------------------------------------------- typo tolerance


async def test_typo_tolerance_corrects_at_most_five_words(client):
    await feed(title="Alpha Bravo Charlie Delta Echo Foxtrot")
    five = data(await client.get("/search", params={"q": "alpah bravv charlei detla ecoh foxtrot"}))
    assert five["corrected_query"] == "alpha bravo charlie delta echo foxtrot"
    assert len(five["items"]) == 1
    six = data(await client.get("/search", params={"q": "alpah bravv charlei detla ecoh foxtort"}))
    assert six["items"] == []
    assert six["corrected_query"] is None


async def test_typo_tolerance_ignores_very_long_words(client):
    long_word = "photographyyyyyyyyyyyyyyyyyyyyyyyyyyy"  # 37 letters
    await feed(title="Photographyyyyyyyyyyyyyyyyyyyyyyyyyyy Studio")
    found = data(await client.get("/search", params={"q": long_word[:-1] + "x"}))
    assert found["items"] == []
    assert found["corrected_query"] is None
