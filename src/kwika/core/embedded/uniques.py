"""A faster unique-index check for the embedded engine.

mongomock checks a unique index by running a full query (its Python filter engine) over the
collection for every written document, which makes each write cost time proportional to the
data stored. For the common case (every key of the index is a scalar in the new document, no
partial filter) the candidates come from the index's hash map (``indexes.py``) and their
values are compared directly; anything else (arrays, sub-documents, missing keys, partial
indexes) keeps mongomock's own check.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import mongomock.collection as mm_collection
from bson import ObjectId
from mongomock import DuplicateKeyError, helpers

from kwika.core.embedded import indexes

_SCALARS = (str, int, float, bool, ObjectId, datetime)
_installed = False


def _value(document: dict[str, Any], key: str) -> Any:
    try:
        return helpers.get_value_by_dot(document, key)
    except KeyError:
        return None


def _matches(stored: Any, value: Any) -> bool:
    """MongoDB equality for a scalar: no bool/number mixing; an array matches its elements."""
    if isinstance(stored, list):
        return any(_matches(item, value) for item in stored)
    if isinstance(stored, bool) != isinstance(value, bool):
        return False
    return bool(stored == value)


def _count_equal(documents: Any, keys: list[str], wanted: list[Any]) -> int:
    """How many documents hold these key values (stops counting at two)."""
    same = 0
    flat = all("." not in key for key in keys)
    pairs = list(zip(keys, wanted, strict=True))
    for document in documents:
        for key, value in pairs:
            stored = document.get(key) if flat else _value(document, key)
            if not _matches(stored, value):
                break
        else:
            same += 1
            if same > 1:
                return same
    return same


def _candidates(collection: Any, keys: list[str], wanted: list[Any]) -> Any:
    """The stored documents that may hold these values: an index lookup when one of the
    keys is indexed (it is: this is a unique index), else every document."""
    store = collection._store
    store_indexes = indexes.of(store)
    found = store_indexes.equality_candidates(dict(zip(keys, wanted, strict=True)))
    if found is None:
        return store.documents
    documents = store._documents
    return [documents[key] for key in found if key in documents]


def _duplicated(collection: Any, index: dict[str, Any], new_data: dict[str, Any]) -> bool:
    keys = [key for key, _ in index["key"]]
    wanted = [_value(new_data, key) for key in keys]
    if index.get("sparse") and all(value is None for value in wanted):
        return False
    partial = index.get("partialFilterExpression")
    if partial is None and all(isinstance(v, _SCALARS) for v in wanted):
        return _count_equal(_candidates(collection, keys, wanted), keys, wanted) > 1
    # mongomock's own check for what the fast path does not cover.
    query: dict[str, Any] = dict(zip(keys, wanted, strict=True))
    if partial is not None:
        query = {"$and": [partial, query]}
    return len(list(collection._iter_documents(query))) > 1


def _ensure_uniques(self: Any, new_data: dict[str, Any]) -> None:
    # Like mongomock, this runs once the new data is already stored.
    for index in self._store.indexes.values():
        if index.get("unique") and _duplicated(self, index, new_data):
            raise DuplicateKeyError("E11000 Duplicate Key Error", 11000)


def install() -> None:
    global _installed
    if _installed:
        return
    # A monkeypatch of mongomock's internals, which its types do not describe.
    collection: Any = mm_collection.Collection
    collection._ensure_uniques = _ensure_uniques
    _installed = True
