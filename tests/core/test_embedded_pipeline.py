"""The embedded engine's fast aggregation answers exactly what mongomock's generic stages
answer (the reference), on the inputs that trip stage implementations up: missing fields,
nulls, empty and scalar "arrays", nested paths, preserveNullAndEmptyArrays,
includeArrayIndex, empty facets, dates. And it never changes the stored documents."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import mongomock
import mongomock.aggregate as mm_aggregate
import pytest
from bson import ObjectId
from pymongo import GEOSPHERE, IndexModel

from kwika.core import embedded
from kwika.core.embedded import geo

GENERIC = {
    "$match": mm_aggregate._handle_match_stage,
    "$unwind": mm_aggregate._handle_unwind_stage,
    "$addFields": mm_aggregate._handle_add_fields_stage,
    "$set": mm_aggregate._handle_add_fields_stage,
    "$facet": mm_aggregate._handle_facet_stage,
    "$geoNear": geo._geo_near_stage,
}
WHEN = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
IDS = [ObjectId() for _ in range(3)]

DOCUMENTS: list[dict[str, Any]] = [
    {"n": 1, "tags": ["a", "b", "a"], "nested": {"list": [1, 2]}, "when": WHEN, "cat": IDS[0]},
    {"n": 2, "tags": [], "nested": {"list": []}, "cat": IDS[1]},
    {"n": 3, "tags": None, "nested": {"list": None}},
    {"n": 4, "nested": {}, "when": WHEN.replace(year=2025)},
    {"n": 5, "tags": "scalar", "nested": {"list": "one"}, "cat": [IDS[0], IDS[2]]},
    {"n": 6, "tags": [{"id": 1, "name": "x"}, {"id": 2}], "nested": {"list": [[1], [2, 3]]}},
    {"n": 7, "tags": ["c"], "nested": [{"list": [9]}]},
]


@pytest.fixture
def collection() -> Any:
    embedded.client()  # installs the engine's stages and indexes
    client = mongomock.MongoClient(tz_aware=True)
    stored = client["pipeline"]["rows"]
    stored.insert_many(copy.deepcopy(DOCUMENTS))
    return stored


def generic(collection: Any, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What mongomock answers with its own handlers (the behaviour before the fast path)."""
    saved = dict(mm_aggregate._PIPELINE_HANDLERS)
    mm_aggregate._PIPELINE_HANDLERS.update(GENERIC)
    try:
        rows = [
            mongomock.helpers.make_datetime_timezone_aware_in_document(row)
            for row in collection.find()
        ]
        return list(mm_aggregate.process_pipeline(rows, collection.database, stages, None))
    finally:
        mm_aggregate._PIPELINE_HANDLERS.clear()
        mm_aggregate._PIPELINE_HANDLERS.update(saved)


def snapshot(collection: Any) -> list[dict[str, Any]]:
    return copy.deepcopy(list(collection._store.documents))


PIPELINES: dict[str, list[dict[str, Any]]] = {
    "unwind": [{"$unwind": "$tags"}],
    "unwind preserving": [{"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": True}}],
    "unwind with index": [{"$unwind": {"path": "$tags", "includeArrayIndex": "i"}}],
    "unwind nested": [{"$unwind": "$nested.list"}],
    "unwind nested preserving": [
        {
            "$unwind": {
                "path": "$nested.list",
                "preserveNullAndEmptyArrays": True,
                "includeArrayIndex": "idx",
            }
        }
    ],
    "unwind then group": [
        {"$unwind": "$tags"},
        {"$group": {"_id": "$tags.id", "name": {"$max": "$tags.name"}, "count": {"$sum": 1}}},
        {"$sort": {"count": -1, "_id": 1}},
    ],
    "add fields": [
        {"$addFields": {"double": {"$multiply": ["$n", 2]}, "nested.extra": "$n"}},
        {"$sort": {"n": -1}},
    ],
    "set over a scalar path": [{"$set": {"tags.first": 1}}],
    "match without dates": [{"$match": {"tags": {"$exists": True}, "n": {"$gte": 2}}}],
    "match with dates": [{"$match": {"when": {"$gte": WHEN.replace(year=2026, month=1)}}}],
    "match on an array of ids": [{"$match": {"cat": IDS[0]}}],
    "match by in": [{"$match": {"n": {"$in": [1, 4, 7, 99]}}}],
    "match by id": [{"$match": {"n": 2}}, {"$project": {"n": 1}}],
    "empty facets": [
        {"$match": {"n": {"$gt": 100}}},
        {"$facet": {"items": [{"$sort": {"n": 1}}], "total": [{"$count": "n"}]}},
    ],
    "facets": [
        {"$addFields": {"score": {"$add": ["$n", 1]}}},
        {
            "$facet": {
                "items": [{"$sort": {"score": -1, "_id": 1}}, {"$skip": 1}, {"$limit": 3}],
                "total": [{"$count": "n"}],
                "tags": [{"$unwind": "$tags"}, {"$group": {"_id": "$tags", "c": {"$sum": 1}}}],
                "none": [{"$match": {"missing": 1}}],
                "latest": [{"$group": {"_id": None, "last": {"$max": "$when"}}}],
            }
        },
    ],
    "date operator after the fast stages": [
        {"$match": {"when": {"$exists": True}}},
        {"$addFields": {"year": {"$year": "$when"}}},
        {"$sort": {"n": 1}},
    ],
}


@pytest.mark.parametrize("name", PIPELINES)
def test_fast_stages_answer_what_mongomocks_generic_stages_answer(collection, name):
    stages = PIPELINES[name]
    before = snapshot(collection)
    expected = generic(collection, copy.deepcopy(stages))
    assert snapshot(collection) == before
    fast = list(collection.aggregate(copy.deepcopy(stages)))
    assert fast == expected
    assert snapshot(collection) == before  # stored documents are never changed


def test_results_are_independent_of_the_store_and_time_zone_aware(collection):
    rows = list(collection.aggregate([{"$match": {"n": 1}}, {"$unwind": "$tags"}]))
    assert [row["when"].tzinfo for row in rows] == [UTC, UTC, UTC]
    rows[0]["nested"]["list"].append(99)
    assert next(iter(collection.find({"n": 1})))["nested"]["list"] == [1, 2]


def test_set_operators_follow_mongodb(collection):
    rows = list(
        collection.aggregate(
            [
                {"$match": {"n": {"$in": [1, 2, 3, 4]}}},
                {"$sort": {"n": 1}},
                {
                    "$project": {
                        "_id": 0,
                        "common": {"$setIntersection": ["$tags", ["a", "c", "b"]]},
                        "safe": {"$setIntersection": [{"$ifNull": ["$tags", []]}, ["a"]]},
                        "left": {"$setDifference": [{"$ifNull": ["$tags", []]}, ["b"]]},
                        "union": {"$setUnion": [{"$ifNull": ["$tags", []]}, ["z"]]},
                        "subset": {"$setIsSubset": [["a"], {"$ifNull": ["$tags", []]}]},
                        "any": {"$anyElementTrue": [[0, None, False]]},
                        "all": {"$allElementsTrue": [[1, "x", True]]},
                        "bools": {"$setIntersection": [[True, 1], [1]]},
                    }
                },
            ]
        )
    )
    assert rows[0] == {
        "common": ["a", "b"],
        "safe": ["a"],
        "left": ["a"],
        "union": ["a", "b", "z"],
        "subset": True,
        "any": False,
        "all": True,
        "bools": [1],
    }
    assert rows[1]["common"] == []
    assert rows[1]["union"] == ["z"]
    assert rows[2]["common"] is None  # a null operand answers null, as on MongoDB
    assert rows[3]["common"] is None  # so does a missing field


def test_geo_near_through_the_grid_equals_a_full_scan():
    embedded.client()
    client = mongomock.MongoClient(tz_aware=True)
    places = client["pipeline"]["places"]
    places.create_indexes([IndexModel([("location", GEOSPHERE)])])
    spots = []
    for lat in range(-89, 90, 7):
        for lng in range(-180, 180, 9):
            spots.append({"location": {"type": "Point", "coordinates": [lng, lat]}, "lat": lat})
    spots.append({"lat": None})  # not located: never returned
    places.insert_many(spots)
    for origin, radius in [
        ((0, 0), 900_000),
        ((179.5, 10), 2_000_000),  # across the antimeridian
        ((-179.5, -10), 500_000),
        ((20, 88), 1_500_000),  # over the pole
        ((36.2, -5.1), 50_000),
        ((10, 10), None),
    ]:
        stage: dict[str, Any] = {
            "near": {"type": "Point", "coordinates": list(origin)},
            "distanceField": "d",
            "spherical": True,
            "query": {"lat": {"$gte": -60}},
        }
        if radius is not None:
            stage["maxDistance"] = radius
        stages = [{"$geoNear": stage}, {"$limit": 200}]
        fast = list(places.aggregate(copy.deepcopy(stages)))
        token = geo._current_collection.set(places)
        try:
            expected = generic(places, copy.deepcopy(stages))
        finally:
            geo._current_collection.reset(token)
        assert fast == expected, (origin, radius)
        assert radius is None or fast, (origin, radius)
