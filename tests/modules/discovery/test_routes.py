"""Discovery routes over HTTP, with listings fed directly into the read model."""

from datetime import timedelta

import pytest
from bson import ObjectId

from kwika.core import access, clock
from kwika.modules.discovery import listings, ranking
from kwika.modules.discovery.listings import ListingIn
from tests.conftest import make_settings
from tests.support import ADMIN_EMAIL, ADMIN_PASSWORD, Staff, body, data, register, staff_sign_in

DAR = (39.2083, -6.7924)


async def feed(kind="service", title="Wedding Photography", lng=DAR[0], lat=DAR[1], **fields):
    ref_id = str(ObjectId())
    values = {
        "kind": kind,
        "ref_id": ref_id,
        "title": title,
        "latitude": lat,
        "longitude": lng,
        "created_at": clock.now(),
        "card": {"id": ref_id, "title": title},
        **fields,
    }
    await listings.upsert(ListingIn(**values))
    return ref_id


async def test_service_search_over_http_with_distance_and_filters(client):
    near = await feed(
        title="Near Studio",
        lng=DAR[0] + 0.05,
        price_min_minor=5_000_000,
        currency="TZS",
        district="Kinondoni",
    )
    await feed(
        title="Far Studio",
        lng=DAR[0] + 2.0,
        price_min_minor=9_000_000,
        currency="TZS",
        district="Morogoro",
    )
    response = await client.get(
        "/services",
        params={
            "q": "studio",
            "lat": DAR[1],
            "lng": DAR[0],
            "radius_km": 50,
            "sort_by": "distance",
        },
    )
    assert response.status_code == 200
    page = data(response)
    assert [item["id"] for item in page["items"]] == [near]
    assert page["items"][0]["distance_km"] == pytest.approx(5.5, abs=0.2)
    assert page["pagination"]["total_items"] == 1
    assert page["filters"]["locations"] == [{"name": "Kinondoni", "count": 1}]
    cheap = data(await client.get("/services", params={"max_price": "60000"}))
    assert [item["title"] for item in cheap["items"]] == ["Near Studio"]
    bad = await client.get("/services", params={"lat": 100, "lng": 0})
    assert bad.status_code == 400
    assert body(bad)["errors"][0]["field"] == "lat"
    distance_without_location = await client.get("/services", params={"sort_by": "distance"})
    assert distance_without_location.status_code == 400


async def test_featured_services_carry_ranking_and_access_counts(client):
    first = await feed(title="First")
    second = await feed(title="Second")
    for _ in range(3):
        await access.record_view("service", second)
    await ranking.flush_views()
    await ranking.recompute()
    page = data(await client.get("/services/featured"))
    assert [item["id"] for item in page["items"]] == [second, first]
    assert page["items"][0]["access_count"] == 3
    assert page["items"][0]["ranking_score"] > page["items"][1]["ranking_score"]


async def test_saving_services_is_a_toggle_per_user(client, outbox):
    service_id = await feed(title="Keep Me")
    user = await register(client, outbox)
    saved = await client.post(f"/services/{service_id}/save", headers=user.headers)
    assert data(saved) == {"saved": True}
    listed = data(await client.get("/services/saved", headers=user.headers))
    assert [item["id"] for item in listed["items"]] == [service_id]
    assert listed["items"][0]["saved_at"].endswith("Z")
    other = await register(client, outbox)
    assert data(await client.get("/services/saved", headers=other.headers))["items"] == []
    unsaved = await client.post(f"/services/{service_id}/save", headers=user.headers)
    assert data(unsaved) == {"saved": False}
    assert (
        await client.post("/services/0123456789abcdef01234567/save", headers=user.headers)
    ).status_code == 404
    assert (await client.post(f"/services/{service_id}/save")).status_code == 401


async def test_promotions_exclude_expired_and_order_by_end_date(client):
    now = clock.now()
    for title, ends in (("Late", 9), ("Gone", -1), ("Soon", 1)):
        await feed(
            kind="promotion",
            title=title,
            starts_at=now - timedelta(days=5),
            ends_at=now + timedelta(days=ends),
            category_names=["Catering"],
        )
    page = data(await client.get("/promotions", params={"category": "catering"}))
    assert [item["title"] for item in page["items"]] == ["Soon", "Late"]
    tomorrow_plus = (now + timedelta(days=3)).date().isoformat()
    page = data(await client.get("/promotions", params={"date": tomorrow_plus}))
    assert [item["title"] for item in page["items"]] == ["Late"]


async def test_global_search_tolerates_typos_and_tracks_popular_searches(client, outbox):
    await feed(title="Serengeti Safari", kind="experience")
    await feed(title="Safari Photography")
    response = await client.get("/search", params={"q": "safrai"})
    page = data(response)
    assert page["corrected_query"] == "safari"
    assert {item["title"] for item in page["items"]} == {"Serengeti Safari", "Safari Photography"}
    only = data(await client.get("/search", params={"q": "safari", "type": "experiences"}))
    assert [item["title"] for item in only["items"]] == ["Serengeti Safari"]
    for _ in range(2):
        person = await register(client, outbox)
        await client.get("/search", params={"q": "safari"}, headers=person.headers)
    popular = data(await client.get("/search/popular"))
    assert popular[0] == {"query": "safari", "count": 3}  # three different people
    suggestions = data(await client.get("/search/suggest", params={"q": "Saf"}))
    texts = [s["text"] for s in suggestions]
    assert "Safari Photography" in texts
    assert "safari" in texts


async def test_provider_search_finds_craftsmen_with_a_skill_near_a_point(client):
    plumber = await feed(
        kind="provider",
        title="Juma Plumbing",
        skills=["Plumbing"],
        provider_kinds=["craftsman"],
        lng=DAR[0] + 0.02,
    )
    await feed(
        kind="provider",
        title="Far Plumber",
        skills=["Plumbing"],
        provider_kinds=["craftsman"],
        lng=DAR[0] + 3,
    )
    await feed(
        kind="provider",
        title="Near Electrician",
        skills=["Electrical"],
        provider_kinds=["craftsman"],
        lng=DAR[0] + 0.01,
    )
    page = data(
        await client.get(
            "/providers",
            params={
                "kind": "craftsman",
                "skill": "plumbing",
                "lat": DAR[1],
                "lng": DAR[0],
                "radius_km": 25,
            },
        )
    )
    assert [item["id"] for item in page["items"]] == [plumber]


@pytest.fixture
def settings(tmp_path):
    return make_settings(
        tmp_path, bootstrap_admin_email=ADMIN_EMAIL, bootstrap_admin_password=ADMIN_PASSWORD
    )


async def test_cache_statistics_are_for_staff(client, outbox):
    admin = await staff_sign_in(client, Staff(ADMIN_EMAIL, ADMIN_PASSWORD))
    response = await client.get("/admin/stats/cache", headers=admin.headers)
    assert response.status_code == 200
    assert isinstance(data(response), list)
    user = await register(client, outbox)
    assert (await client.get("/admin/stats/cache", headers=user.headers)).status_code == 401


async def test_experience_category_is_one_of_the_catalogue_categories(client):
    nature = await feed(kind="experience", title="Forest Walk", category_names=["nature"])
    page = data(await client.get("/experiences", params={"category": "nature"}))
    assert [item["id"] for item in page["items"]] == [nature]
    bad = await client.get("/experiences", params={"category": "opera"})
    assert bad.status_code == 400
    assert body(bad)["code"] == "VALIDATION_FAILED"
    assert body(bad)["errors"] == [
        {"field": "category", "message": "Use one of: nightlife, cultural, adventure, food, nature"}
    ]
