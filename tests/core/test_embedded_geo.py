"""The embedded engine answers geospatial queries as MongoDB does (units, order, errors)."""

import math

import pytest
from mongomock import OperationFailure
from pymongo import GEOSPHERE, IndexModel

from kwika.core import embedded
from kwika.core.embedded.geo import EARTH_RADIUS_METRES, haversine_metres

DAR = (39.2083, -6.7924)  # Dar es Salaam (lng, lat)
NAIROBI = (36.8219, -1.2921)
ARUSHA = (36.6827, -3.3869)
ZANZIBAR = (39.1925, -6.1659)
KARIAKOO = (39.2744, -6.8183)  # ~7.8 km from DAR


def point(lng_lat):
    return {"type": "Point", "coordinates": list(lng_lat)}


@pytest.fixture
async def places():
    client = embedded.client()
    collection = client["geo"]["places"]
    await collection.create_indexes([IndexModel([("location", GEOSPHERE)])])
    await collection.insert_many(
        [
            {"name": name, "location": point(where), "kind": kind}
            for name, where, kind in [
                ("nairobi", NAIROBI, "city"),
                ("arusha", ARUSHA, "city"),
                ("zanzibar", ZANZIBAR, "island"),
                ("kariakoo", KARIAKOO, "market"),
            ]
        ]
    )
    await collection.insert_one({"name": "nowhere", "kind": "city"})  # no location
    return collection


def test_distances_use_mongodbs_earth_radius():
    assert EARTH_RADIUS_METRES == 6378100.0
    assert 660_000 < haversine_metres(DAR, NAIROBI) < 675_000  # about 667 km
    quarter = haversine_metres((0, 0), (90, 0))
    assert quarter == pytest.approx(math.pi / 2 * 6378100.0)


async def test_near_orders_by_distance_and_cuts_at_max_distance(places):
    query = {"location": {"$near": {"$geometry": point(DAR), "$maxDistance": 700_000}}}
    names = [d["name"] async for d in places.find(query)]
    assert names == ["kariakoo", "zanzibar", "arusha", "nairobi"]
    query["location"]["$near"]["$maxDistance"] = 100_000
    assert [d["name"] async for d in places.find(query)] == ["kariakoo", "zanzibar"]
    query["location"]["$near"]["$minDistance"] = 10_000
    assert [d["name"] async for d in places.find(query)] == ["zanzibar"]


async def test_near_sphere_geojson_and_legacy_radians(places):
    geojson = {"location": {"$nearSphere": {"$geometry": point(DAR), "$maxDistance": 100_000}}}
    assert [d["name"] async for d in places.find(geojson)] == ["kariakoo", "zanzibar"]
    legacy = {"location": {"$nearSphere": list(DAR), "$maxDistance": 100_000 / EARTH_RADIUS_METRES}}
    assert [d["name"] async for d in places.find(legacy)] == ["kariakoo", "zanzibar"]


async def test_near_combines_with_filters_sort_skip_and_limit(places):
    near = {"$near": {"$geometry": point(DAR)}}
    cities = [d["name"] async for d in places.find({"location": near, "kind": "city"})]
    assert cities == ["arusha", "nairobi"]
    page = [d["name"] async for d in places.find({"location": near}).skip(1).limit(2)]
    assert page == ["zanzibar", "arusha"]
    by_name = [d["name"] async for d in places.find({"location": near}).sort("name", 1)]
    assert by_name == ["arusha", "kariakoo", "nairobi", "zanzibar"]


async def test_near_needs_a_geo_index_and_is_refused_by_count(places):
    client = embedded.client()
    bare = client["geo"]["unindexed"]
    await bare.insert_one({"location": point(DAR)})
    with pytest.raises(OperationFailure, match="unable to find index"):
        await bare.find({"location": {"$near": {"$geometry": point(DAR)}}}).to_list(None)
    with pytest.raises(OperationFailure, match="not allowed in this context"):
        await places.count_documents({"location": {"$near": {"$geometry": point(DAR)}}})


async def test_geo_within_shapes(places):
    radius = 100_000 / EARTH_RADIUS_METRES
    sphere = {"location": {"$geoWithin": {"$centerSphere": [list(DAR), radius]}}}
    assert sorted([d["name"] async for d in places.find(sphere)]) == ["kariakoo", "zanzibar"]
    assert await places.count_documents(sphere) == 2
    box = {"location": {"$geoWithin": {"$box": [[36, -4], [37, -1]]}}}
    assert sorted([d["name"] async for d in places.find(box)]) == ["arusha", "nairobi"]
    polygon = {
        "type": "Polygon",
        "coordinates": [[[39, -7], [39.5, -7], [39.5, -6], [39, -6], [39, -7]]],
    }
    within = {"location": {"$geoWithin": {"$geometry": polygon}}}
    assert sorted([d["name"] async for d in places.find(within)]) == ["kariakoo", "zanzibar"]
    legacy = {"location": {"$geoWithin": {"$polygon": [[36, -4], [37, -4], [37, -1], [36, -1]]}}}
    assert sorted([d["name"] async for d in places.find(legacy)]) == ["arusha", "nairobi"]


async def test_geo_near_stage_sets_distance_field_in_metres(places):
    pipeline = [
        {
            "$geoNear": {
                "near": point(DAR),
                "distanceField": "dist.metres",
                "spherical": True,
                "maxDistance": 700_000,
                "query": {"kind": {"$ne": "market"}},
                "includeLocs": "loc",
            }
        },
        {"$project": {"name": 1, "dist": 1, "loc": 1}},
    ]
    rows = [row async for row in places.aggregate(pipeline)]
    assert [r["name"] for r in rows] == ["zanzibar", "arusha", "nairobi"]
    assert rows[0]["dist"]["metres"] == pytest.approx(haversine_metres(DAR, ZANZIBAR))
    assert rows[0]["loc"] == point(ZANZIBAR)
    km = [
        row
        async for row in places.aggregate(
            [
                {
                    "$geoNear": {
                        "near": point(DAR),
                        "distanceField": "km",
                        "distanceMultiplier": 0.001,
                        "key": "location",
                    }
                }
            ]
        )
    ]
    assert km[-1]["km"] == pytest.approx(haversine_metres(DAR, NAIROBI) / 1000)


async def test_geo_near_stage_rules(places):
    near = {"near": point(DAR), "distanceField": "d"}
    with pytest.raises(OperationFailure, match="first stage"):
        await places.aggregate([{"$match": {}}, {"$geoNear": near}]).to_list(None)
    with pytest.raises(OperationFailure, match="limit"):
        await places.aggregate([{"$geoNear": {**near, "limit": 5}}]).to_list(None)
    await places.create_indexes([IndexModel([("other", GEOSPHERE)])])
    with pytest.raises(OperationFailure, match="more than one"):
        await places.aggregate([{"$geoNear": near}]).to_list(None)
    rows = await places.aggregate([{"$geoNear": {**near, "key": "location"}}]).to_list(None)
    assert rows[0]["name"] == "kariakoo"
