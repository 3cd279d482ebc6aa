"""Search semantics on the read model, independent of the modules that feed it."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from bson import ObjectId

from kwika.core import access, clock
from kwika.core.embedded.geo import haversine_metres
from kwika.core.pagination import PageParams
from kwika.modules.discovery import listings, ranking
from kwika.modules.discovery.listings import ListingIn
from kwika.modules.discovery.search import SearchQuery, search

DAR = (39.2083, -6.7924)
PHOTOGRAPHY = str(ObjectId())
CATERING = str(ObjectId())
WEDDING = str(ObjectId())


def _listing(n, lng, lat, **fields):
    values = {
        "kind": "service",
        "ref_id": str(ObjectId()),
        "title": f"Service {n}",
        "description": "Event services",
        "category_ids": [PHOTOGRAPHY],
        "district": "Kinondoni",
        "latitude": lat,
        "longitude": lng,
        "price_min_minor": 1_000_000 + n * 100,
        "currency": "TZS",
        "rating": 4.0,
        "review_count": 10,
        "created_at": clock.now(),
    }
    values.update(fields)
    values["card"] = {"id": values["ref_id"], "title": values["title"]}
    return ListingIn(**values)


@pytest.fixture
async def located(app):
    """Three hundred services scattered up to ~150 km around Dar es Salaam."""
    rng = random.Random(7)
    items = []
    for n in range(300):
        lng = DAR[0] + rng.uniform(-1.2, 1.2)
        lat = DAR[1] + rng.uniform(-1.2, 1.2)
        category = PHOTOGRAPHY if n % 3 else CATERING
        items.append(
            _listing(
                n,
                lng,
                lat,
                category_ids=[category],
                verified=n % 2 == 0,
                district="Kinondoni" if n % 4 else "Ilala",
            )
        )
    for item in items:
        await listings.upsert(item)
    return items


def _distance_km(item, origin=DAR):
    return haversine_metres(origin, (item.longitude, item.latitude)) / 1000


async def test_distance_order_and_radius_cut_off(located):
    query = SearchQuery(
        kinds=["service"], lat=DAR[1], lng=DAR[0], radius_km=40, sort_by="distance", facets=False
    )
    result = await search(query, PageParams(1, 100))
    expected = sorted((i for i in located if _distance_km(i) <= 40), key=_distance_km)
    assert result.total == len(expected)
    assert [r["card"]["id"] for r in result.items] == [i.ref_id for i in expected][:100]
    distances = [r["distance_m"] for r in result.items]
    assert distances == sorted(distances)
    assert max(distances) <= 40_000


async def test_filters_combine_with_distance(located):
    query = SearchQuery(
        kinds=["service"],
        lat=DAR[1],
        lng=DAR[0],
        radius_km=60,
        category_ids=[CATERING],
        verified=True,
        district="ilala",
        sort_by="distance",
        facets=False,
    )
    result = await search(query, PageParams(1, 100))
    expected = {
        i.ref_id
        for i in located
        if _distance_km(i) <= 60
        and i.category_ids == [CATERING]
        and i.verified
        and i.district == "Ilala"
    }
    assert {r["card"]["id"] for r in result.items} == expected
    assert expected


async def test_pages_have_no_duplicates_or_gaps(located):
    for sort_by in ("distance", "relevance", "rating", "newest", "price_low"):
        seen = []
        page = 1
        while True:
            query = SearchQuery(
                kinds=["service"],
                lat=DAR[1],
                lng=DAR[0],
                radius_km=500,
                sort_by=sort_by,
                facets=False,
            )
            result = await search(query, PageParams(page, 37))
            seen += [r["card"]["id"] for r in result.items]
            if page * 37 >= result.total:
                break
            page += 1
        assert len(seen) == len(set(seen)) == 300, sort_by


async def test_price_filters_and_facets(located):
    query = SearchQuery(
        kinds=["service"], min_price=Decimal("10100"), max_price=Decimal("10200"), currency="TZS"
    )
    result = await search(query, PageParams(1, 100))
    assert result.total == 101  # n from 100 to 200
    assert result.facets["price_range"] == {"min": "10100.00", "max": "10200.00", "currency": "TZS"}
    names = {row["name"] for row in result.facets["locations"]}
    assert names == {"Kinondoni", "Ilala"}
    assert sum(row["count"] for row in result.facets["categories"]) == 101


async def test_text_search_is_case_and_accent_insensitive_and_fuzzy_when_asked(app):
    await listings.upsert(_listing(1, *DAR, title="Café Wedding Photography", tags=["drone"]))
    await listings.upsert(_listing(2, *DAR, title="Catering Deluxe"))
    for q in ("wedding PHOTO", "cafe", "Drone"):
        result = await search(SearchQuery(kinds=["service"], q=q), PageParams(1, 10))
        assert [r["title"] for r in result.items] == ["Café Wedding Photography"], q
    strict = await search(SearchQuery(kinds=["service"], q="photgraphy"), PageParams(1, 10))
    assert strict.total == 0
    fuzzy = await search(
        SearchQuery(kinds=["service"], q="photgraphy", fuzzy=True), PageParams(1, 10)
    )
    assert fuzzy.corrected_query == "photography"
    assert [r["title"] for r in fuzzy.items] == ["Café Wedding Photography"]


async def test_relevance_follows_the_seed_weights(app):
    near = _listing(1, DAR[0] + 0.01, DAR[1], title="Near", rating=3.0, review_count=0)
    far_better = _listing(
        2,
        DAR[0] + 1.0,
        DAR[1],
        title="Far",
        rating=5.0,
        review_count=200,
        verified=True,
        completeness=1.0,
    )
    for item in (near, far_better):
        await listings.upsert(item)
    query = SearchQuery(kinds=["service"], lat=DAR[1], lng=DAR[0], facets=False)
    result = await search(query, PageParams(1, 10))
    scores = {r["title"]: r["score"] for r in result.items}
    assert scores["Near"] == pytest.approx(15 + 25 * 3 / 5)  # proximity tier + rating
    assert scores["Far"] == pytest.approx(25 + 20 + 10 + 10)  # no proximity beyond 100 km
    assert [r["title"] for r in result.items] == ["Far", "Near"]


async def test_expired_promotions_are_absent_and_sorted_by_end_date(app):
    now = clock.now()
    for n, days in enumerate([5, -1, 2, 9]):
        await listings.upsert(
            _listing(
                n,
                *DAR,
                kind="promotion",
                title=f"Promo {days}",
                starts_at=now - timedelta(days=10),
                ends_at=now + timedelta(days=days),
            )
        )
    result = await search(
        SearchQuery(kinds=["promotion"], active_only=True, sort_by="end_date"), PageParams(1, 10)
    )
    assert [r["title"] for r in result.items] == ["Promo 2", "Promo 5", "Promo 9"]


async def test_rankings_move_after_views_are_flushed(app):
    quiet = _listing(1, *DAR, title="Quiet", rating=4.5)
    popular = _listing(2, *DAR, title="Popular", rating=4.5)
    for item in (quiet, popular):
        await listings.upsert(item)
    await ranking.flush_views()
    await ranking.recompute()
    first = await search(SearchQuery(kinds=["service"], sort_by="ranking"), PageParams(1, 10))
    assert [r["title"] for r in first.items] == ["Quiet", "Popular"]  # tie: insertion order
    for _ in range(25):
        await access.record_view("service", popular.ref_id)
    await access.record_view("service", quiet.ref_id)
    assert await ranking.flush_views() == 2
    await ranking.recompute()
    second = await search(SearchQuery(kinds=["service"], sort_by="ranking"), PageParams(1, 10))
    assert [r["title"] for r in second.items] == ["Popular", "Quiet"]
    assert second.items[0]["access_count"] == 25
    assert await ranking.flush_views() == 0  # views are taken once


async def test_views_decay_with_their_half_life(app, settings):
    item = _listing(1, *DAR, title="Fading")
    await listings.upsert(item)
    for _ in range(8):
        await access.record_view("service", item.ref_id)
    await ranking.flush_views()
    stored = await listings.get("service", item.ref_id)
    later = stored.views_updated_at + timedelta(hours=settings.ranking_half_life_hours)
    assert ranking.decayed(stored.views_decayed, stored.views_updated_at, later) == pytest.approx(4)


async def test_validation_of_location_parameters(app):
    from kwika.core.errors import ValidationFailed

    cases = [
        (SearchQuery(kinds=["service"], lat=95, lng=10), {"lat"}),
        (SearchQuery(kinds=["service"], lat=-6.8), {"lng"}),
        (SearchQuery(kinds=["service"], radius_km=5), {"lat", "lng"}),
        (SearchQuery(kinds=["service"], sort_by="distance"), {"sort_by"}),
        (SearchQuery(kinds=["service"], lat=1, lng=1, radius_km=0), {"radius_km"}),
        (SearchQuery(kinds=["service"], min_price=Decimal(5), max_price=Decimal(1)), {"min_price"}),
    ]
    for query, fields in cases:
        with pytest.raises(ValidationFailed) as problem:
            await search(query, PageParams(1, 10))
        assert {e.field for e in problem.value.errors} == fields
