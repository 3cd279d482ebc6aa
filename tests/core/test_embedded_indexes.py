"""The embedded engine's indexes narrow scans without ever changing an answer: lookups by
_id and by indexed fields stay right through updates, replacements, deletes, rolled-back
duplicates and upserts, and keep insertion order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from kwika.core import embedded


@pytest.fixture
async def rows():
    client = embedded.client()
    collection = client["indexes"]["rows"]
    await collection.create_indexes(
        [IndexModel([("slug", ASCENDING)], unique=True), IndexModel([("owner", ASCENDING)])]
    )
    return collection


async def slugs(collection, query):
    return [row["slug"] async for row in collection.find(query)]


async def test_lookups_follow_updates_replacements_and_deletes(rows):
    owner, other = ObjectId(), ObjectId()
    await rows.insert_many(
        [{"slug": f"s{n}", "owner": owner if n % 2 else other, "flag": n == 3} for n in range(6)]
    )
    assert await slugs(rows, {"owner": owner}) == ["s1", "s3", "s5"]
    await rows.update_one({"slug": "s3"}, {"$set": {"owner": other}})
    assert await slugs(rows, {"owner": owner}) == ["s1", "s5"]
    assert await slugs(rows, {"owner": other}) == ["s0", "s2", "s3", "s4"]
    await rows.replace_one({"slug": "s0"}, {"slug": "s0b", "owner": [owner, other]})
    assert await slugs(rows, {"owner": owner}) == ["s0b", "s1", "s5"]  # array elements match
    assert await slugs(rows, {"slug": "s0"}) == []
    await rows.delete_one({"slug": "s1"})
    assert await slugs(rows, {"owner": {"$in": [owner]}}) == ["s0b", "s5"]
    assert await slugs(rows, {"flag": True}) == ["s3"]
    assert await slugs(rows, {"owner": None}) == []
    first = await rows.find_one({"slug": "s4"})
    both = await rows.find_one({"slug": "s5"})
    found = await slugs(rows, {"_id": {"$in": [both["_id"], first["_id"]]}})
    assert found == ["s4", "s5"]  # insertion order, not the order asked


async def test_a_rolled_back_duplicate_leaves_the_indexes_as_they_were(rows):
    await rows.insert_many([{"slug": "a", "owner": 1}, {"slug": "b", "owner": 2}])
    with pytest.raises(DuplicateKeyError):
        await rows.update_one({"slug": "b"}, {"$set": {"slug": "a", "owner": 3}})
    with pytest.raises(DuplicateKeyError):
        await rows.insert_one({"slug": "a", "owner": 4})
    assert await slugs(rows, {"slug": "a"}) == ["a"]
    assert await slugs(rows, {"owner": 2}) == ["b"]
    assert await slugs(rows, {"owner": 3}) == []
    assert await slugs(rows, {"owner": 4}) == []
    await rows.update_one({"slug": "c"}, {"$set": {"owner": 5}}, upsert=True)
    assert await slugs(rows, {"owner": 5}) == ["c"]


async def test_numbers_and_booleans_compare_as_on_mongodb(rows):
    await rows.insert_many(
        [{"slug": "one", "owner": 1}, {"slug": "float", "owner": 1.0}, {"slug": "t", "owner": True}]
    )
    assert await slugs(rows, {"owner": 1}) == ["one", "float"]
    assert await slugs(rows, {"owner": True}) == ["t"]


async def test_dropping_a_collection_forgets_its_documents(rows):
    await rows.insert_one({"slug": "x", "owner": 1})
    await rows.drop()
    await rows.create_indexes([IndexModel([("owner", ASCENDING)])])
    assert await slugs(rows, {"owner": 1}) == []
    await rows.insert_one({"slug": "y", "owner": 1})
    assert await slugs(rows, {"owner": 1}) == ["y"]


async def test_ttl_indexes_still_expire_documents():
    # The engine checks TTL indexes at most once a second instead of on every read; an
    # expired document must still go away (here: on the first read of a fresh collection).
    collection = embedded.client()["indexes"][f"ttl_{ObjectId()}"]
    await collection.create_indexes([IndexModel([("at", ASCENDING)], expireAfterSeconds=60)])
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    await collection.insert_many([{"at": long_ago, "n": 1}, {"at": datetime.now(UTC), "n": 2}])
    collection._sync._store.__dict__.pop("_kwika_expired_at", None)  # as if a second passed
    assert [row["n"] async for row in collection.find({})] == [2]
