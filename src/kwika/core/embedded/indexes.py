"""Index-like structures for the embedded engine, so reads and writes stop scanning.

mongomock answers every query, ``update_one({"_id": ...})`` included, by running its Python
filter over every stored document, and checks unique indexes the same way: each write costs
time proportional to the data stored. This module keeps, per collection, what an index
would: the documents by ``_id`` (mongomock's own dict), a hash map per field named in a
declared index (value -> document ids), and a spatial grid per ``2dsphere``/``2d`` field.

The structures are kept current by hooking the only places mongomock changes stored data:
the collection store's ``__setitem__``/``__delitem__``/``drop`` and the two in-place update
appliers. A lookup only *narrows* the candidates; mongomock's own filter still decides each
one, so an index can never change an answer, only skip documents that cannot match.
Results keep insertion order, as mongomock's scans do.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import mongomock.collection as mm_collection
import mongomock.filtering as mm_filtering
import mongomock.store as mm_store
from bson import ObjectId

GEO_TYPES = ("2dsphere", "2d")
CELL_DEGREES = 0.25
_LNG_CELLS = int(360 / CELL_DEGREES)
# Values whose Python equality and hash agree with MongoDB's equality for a lookup.
_KEYABLE = (str, ObjectId, int, float, datetime)
_installed = False


def _keyable(value: Any) -> bool:
    return isinstance(value, _KEYABLE) and not (isinstance(value, float) and math.isnan(value))


def _cell(point: tuple[float, float]) -> tuple[int, int]:
    lng, lat = point
    return math.floor(lat / CELL_DEGREES), math.floor(lng / CELL_DEGREES) % _LNG_CELLS


class StoreIndexes:
    """What the indexes of one collection store would hold."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.version = -1  # the store's index definitions these structures were built for
        self.fields: tuple[str, ...] = ()
        self.geo_fields: tuple[str, ...] = ()
        self.values: dict[str, dict[Any, set[Any]]] = {}
        self.loose: dict[str, set[Any]] = {}  # ids whose value cannot be hashed: always checked
        self.cells: dict[str, dict[tuple[int, int], set[Any]]] = {}
        self.located: dict[str, set[Any]] = {}
        self.entries: dict[Any, list[tuple[str, Any]]] = {}
        self.order: dict[Any, int] = {}
        self.counter = 0

    # -- maintenance -------------------------------------------------------------------

    def definitions(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        fields: list[str] = []
        geo: list[str] = []
        for info in self.store.indexes.values():
            for field, kind in info.get("key", ()):
                if kind in GEO_TYPES:
                    if field not in geo:
                        geo.append(field)
                # Top-level fields only: a dotted path's values are left to the scan.
                elif field != "_id" and "." not in field and field not in fields:
                    fields.append(field)
        return tuple(fields), tuple(geo)

    def ensure_current(self) -> None:
        if (self.fields, self.geo_fields) != self.definitions() or self.version != len(
            self.store.indexes
        ):
            self.rebuild()

    def rebuild(self) -> None:
        self.fields, self.geo_fields = self.definitions()
        self.version = len(self.store.indexes)
        self.values = {field: {} for field in self.fields}
        self.loose = {field: set() for field in self.fields}
        self.cells = {field: {} for field in self.geo_fields}
        self.located = {field: set() for field in self.geo_fields}
        self.entries = {}
        self.order = {}
        self.counter = 0
        for key, document in self.store._documents.items():
            self.add(key, document)

    def add(self, key: Any, document: dict[str, Any]) -> None:
        if key not in self.order:
            self.order[key] = self.counter
            self.counter += 1
        recorded: list[tuple[str, Any]] = []
        for field in self.fields:
            if field not in document:
                continue
            value = document[field]
            items = value if isinstance(value, list) else (value,)
            for item in items:
                if _keyable(item) and not isinstance(item, bool):
                    self.values[field].setdefault(item, set()).add(key)
                    recorded.append((field, item))
                elif item is None or isinstance(item, bool):
                    self.values[field].setdefault(("literal", item), set()).add(key)
                    recorded.append((field, ("literal", item)))
                else:
                    self.loose[field].add(key)
                    recorded.append((field, _LOOSE))
        for field in self.geo_fields:
            points = _document_points(document, field)
            if points:
                self.located[field].add(key)
                recorded.append((f"\0geo:{field}", None))
            for cell in {_cell(point) for point in points}:
                self.cells[field].setdefault(cell, set()).add(key)
                recorded.append((f"\0cell:{field}", cell))
        self.entries[key] = recorded

    def remove(self, key: Any, *, forget_order: bool) -> None:
        for field, value in self.entries.pop(key, ()):
            if field.startswith("\0geo:"):
                self.located[field[5:]].discard(key)
            elif field.startswith("\0cell:"):
                _discard(self.cells[field[6:]], value, key)
            elif value is _LOOSE:
                self.loose[field].discard(key)
            else:
                _discard(self.values[field], value, key)
        if forget_order:
            self.order.pop(key, None)

    # -- lookups -----------------------------------------------------------------------

    def sorted_documents(self, keys: Iterable[Any]) -> list[dict[str, Any]]:
        documents = self.store._documents
        order = self.order
        return [documents[k] for k in sorted(keys, key=order.__getitem__) if k in documents]

    def equality_candidates(self, filter: dict[str, Any]) -> set[Any] | None:
        """Ids that may match the filter's top-level equalities, or None if none is indexed."""
        best: set[Any] | None = None
        for field, condition in filter.items():
            if field not in self.values:
                continue
            wanted = _wanted_values(condition)
            if wanted is None:
                continue
            found: set[Any] = set(self.loose[field])
            table = self.values[field]
            for value in wanted:
                found.update(table.get(value, ()))
            if best is None or len(found) < len(best):
                best = found
        return best

    def near_candidates(
        self, field: str, origin: tuple[float, float], radians: float | None
    ) -> set[Any] | None:
        """Ids of documents located in grid cells that a circle of ``radians`` may touch."""
        if field not in self.cells:
            return None
        if radians is None or radians >= math.pi / 2:
            return set(self.located[field])
        lng, lat = origin
        radius = math.degrees(radians)
        low_lat, high_lat = lat - radius, lat + radius
        if low_lat <= -90 or high_lat >= 90:
            spread = 180.0
        else:
            ratio = math.sin(radians) / math.cos(math.radians(lat))
            spread = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
        rows = range(
            math.floor(max(low_lat, -90) / CELL_DEGREES),
            math.floor(min(high_lat, 90) / CELL_DEGREES) + 1,
        )
        if spread >= 180:
            columns: range | set[int] = range(_LNG_CELLS)
        else:
            first = math.floor((lng - spread) / CELL_DEGREES)
            last = math.floor((lng + spread) / CELL_DEGREES)
            columns = {c % _LNG_CELLS for c in range(first, last + 1)}
        cells = self.cells[field]
        if len(rows) * len(columns) > len(cells):  # cheaper to look at every occupied cell
            return {
                key
                for (row, column), keys in cells.items()
                if row in rows and column in columns
                for key in keys
            }
        found: set[Any] = set()
        for row in rows:
            for column in columns:
                found.update(cells.get((row, column), ()))
        return found


_LOOSE = object()


def _discard(table: dict[Any, set[Any]], value: Any, key: Any) -> None:
    keys = table.get(value)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del table[value]


def _lookup_key(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return ("literal", value)
    return value if _keyable(value) else _LOOSE


def _wanted_values(condition: Any) -> list[Any] | None:
    """The values an equality (or ``$in`` of scalars) needs, or None when not a lookup.

    ``None`` also matches a missing field and ``$in`` with a regex matches by pattern, so
    both are left to the scan."""
    if isinstance(condition, dict):
        if len(condition) != 1:
            return None
        ((operator, operand),) = condition.items()
        if operator == "$eq":
            values = [operand]
        elif operator == "$in" and isinstance(operand, list | tuple):
            values = list(operand)
        else:
            return None
    else:
        values = [condition]
    keys = []
    for value in values:
        if value is None:
            return None
        key = _lookup_key(value)
        if key is _LOOSE:
            return None
        keys.append(key)
    return keys


def _document_points(document: dict[str, Any], field: str) -> list[tuple[float, float]]:
    from kwika.core.embedded.geo import _field_points

    return _field_points(document, field)


def of(store: Any) -> StoreIndexes:
    indexes = store.__dict__.get("_kwika_indexes")
    if indexes is None:
        indexes = StoreIndexes(store)
        store.__dict__["_kwika_indexes"] = indexes
        indexes.rebuild()
    else:
        indexes.ensure_current()
    return indexes


def candidates(collection: Any, filter: Any) -> list[dict[str, Any]] | None:
    """The stored documents a filter can match, narrowed by an index, or None to scan."""
    if not isinstance(filter, dict) or not filter:
        return None
    store = collection._store
    if "_id" in filter:
        wanted = _wanted_values(filter["_id"])
        if wanted is not None:
            store._remove_expired_documents()
            documents = store._documents
            found = [documents[k] for k in dict.fromkeys(_store_keys(wanted)) if k in documents]
            if len(found) > 1:
                order = of(store).order
                found.sort(key=lambda document: order[document["_id"]])
            return found
    indexes = of(store)
    keys = indexes.equality_candidates(filter)
    if keys is None:
        return None
    store._remove_expired_documents()
    return indexes.sorted_documents(keys)


def _store_keys(wanted: list[Any]) -> Iterator[Any]:
    for key in wanted:
        if isinstance(key, tuple) and key[0] == "literal":
            yield key[1]
        else:
            yield key


# -- hooks ---------------------------------------------------------------------------------


def _hook_store() -> None:
    store_class = mm_store.CollectionStore
    original_set = store_class.__setitem__
    original_delete = store_class.__delitem__
    original_drop = store_class.drop

    def set_item(self: Any, key: Any, value: Any) -> None:
        original_set(self, key, value)
        indexes = self.__dict__.get("_kwika_indexes")
        if indexes is not None:
            indexes.remove(key, forget_order=False)
            indexes.add(key, value)

    def delete_item(self: Any, key: Any) -> None:
        original_delete(self, key)
        indexes = self.__dict__.get("_kwika_indexes")
        if indexes is not None:
            indexes.remove(key, forget_order=True)

    def drop(self: Any) -> None:
        original_drop(self)
        self.__dict__.pop("_kwika_indexes", None)

    store_class.__setitem__ = set_item
    store_class.__delitem__ = delete_item
    store_class.drop = drop
    _throttle_expiry(store_class)


# mongomock enforces TTL indexes by scanning every document of the collection on every read
# and every membership test (``__contains__``, ``__getitem__``): with 1,000 notifications
# stored, creating one more cost a dozen full scans, and writes slowed down as data grew.
# MongoDB's own TTL monitor runs once a minute, so expired documents may linger there for a
# while too; here they linger at most this long.
TTL_MONITOR_SECONDS = 1.0


def _throttle_expiry(store_class: Any) -> None:
    original_expire = store_class._remove_expired_documents

    def remove_expired_documents(self: Any) -> None:
        if not self._ttl_indexes:
            return
        now = time.monotonic()
        if now - self.__dict__.get("_kwika_expired_at", -math.inf) < TTL_MONITOR_SECONDS:
            return
        self.__dict__["_kwika_expired_at"] = now
        original_expire(self)

    store_class._remove_expired_documents = remove_expired_documents


def _hook_in_place_updates() -> None:
    collection_class = mm_collection.Collection
    for name in ("_apply_update_document", "_apply_update_pipeline"):
        original = getattr(collection_class, name)
        collection_class_method = _reindexing(original)
        setattr(collection_class, name, collection_class_method)


def _reindexing(original: Any) -> Any:
    def apply(self: Any, existing_document: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        store = self._store
        indexes = store.__dict__.get("_kwika_indexes")
        key = existing_document.get("_id")
        stored = (
            indexes is not None
            and _hashable(key)
            and store._documents.get(key) is existing_document
        )
        if stored:
            indexes.remove(key, forget_order=False)
        try:
            return original(self, existing_document, *args, **kwargs)
        finally:
            if stored:
                indexes.add(key, existing_document)

    return apply


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _hook_iter_documents() -> None:
    collection_class = mm_collection.Collection

    def _iter_documents(self: Any, filter: Any) -> Iterator[dict[str, Any]]:
        narrowed = candidates(self, filter)
        if narrowed is None:
            if self._store.is_empty:
                mm_filtering.filter_applies(filter, {})  # validates, as mongomock does
            documents: Iterable[dict[str, Any]] = list(self._store.documents)
        else:
            documents = narrowed
        applies = mm_filtering.filter_applies
        return (document for document in documents if applies(filter, document))

    collection_class._iter_documents = _iter_documents


def install() -> None:
    """Hook the store and the scans; before geo.install, which wraps the scan."""
    global _installed
    if _installed:
        return
    _hook_store()
    _hook_in_place_updates()
    _hook_iter_documents()
    _installed = True
