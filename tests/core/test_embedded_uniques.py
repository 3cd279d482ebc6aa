"""The embedded engine's faster unique check refuses exactly what MongoDB refuses."""

import pytest
from pymongo import IndexModel
from pymongo.errors import DuplicateKeyError

from kwika.core import embedded


@pytest.fixture
async def things():
    collection = embedded.client()["u"]["things"]
    await collection.create_indexes(
        [
            IndexModel([("kind", 1), ("ref", 1)], unique=True),
            IndexModel([("email", 1)], unique=True, sparse=True),
            IndexModel([("owner.id", 1), ("slug", 1)], unique=True, sparse=True),
        ]
    )
    return collection


async def test_duplicates_of_compound_and_dotted_keys_are_refused(things):
    await things.insert_one({"kind": "a", "ref": 1})
    await things.insert_one({"kind": "b", "ref": 1})
    with pytest.raises(DuplicateKeyError):
        await things.insert_one({"kind": "a", "ref": 1})
    await things.insert_one({"kind": "c", "ref": 1, "owner": {"id": 7}, "slug": "x"})
    with pytest.raises(DuplicateKeyError):
        await things.insert_one({"kind": "d", "ref": 1, "owner": {"id": 7}, "slug": "x"})


async def test_updates_that_collide_are_refused(things):
    await things.insert_many([{"kind": "a", "ref": 1}, {"kind": "a", "ref": 2}])
    with pytest.raises(DuplicateKeyError):
        await things.update_one({"ref": 2}, {"$set": {"ref": 1}})
    await things.update_one({"ref": 2}, {"$set": {"note": "fine"}})


async def test_mongodb_equality_rules_hold(things):
    await things.insert_one({"kind": "flag", "ref": True})
    await things.insert_one({"kind": "flag", "ref": 1})  # a boolean is not the number 1
    await things.insert_one({"kind": "list", "ref": [5, 6]})
    with pytest.raises(DuplicateKeyError):  # a multikey entry collides with the scalar
        await things.insert_one({"kind": "list", "ref": 6})
    await things.insert_one({"kind": "sparse-1", "ref": 0})
    await things.insert_one({"kind": "sparse-2", "ref": 0})  # no email: sparse index skips both
    await things.insert_one({"kind": "e1", "ref": 0, "email": "a@x"})
    with pytest.raises(DuplicateKeyError):
        await things.insert_one({"kind": "e2", "ref": 0, "email": "a@x"})
