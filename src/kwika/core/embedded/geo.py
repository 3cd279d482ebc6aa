"""MongoDB's geospatial operators for the embedded engine (ENGINEERING.md pitfall 1).

mongomock raises NotImplementedError for ``$near``, ``$nearSphere``, ``$geoWithin`` and the
``$geoNear`` stage. Production queries use them (2dsphere indexes are the point of the
design), so the embedded engine learns them here, through mongomock's own hook points:
the filter operator map, the pipeline handler table and the collection's document
iterator. The semantics follow MongoDB's documentation:

- GeoJSON points (``{"type": "Point", "coordinates": [lng, lat]}``) are measured on the
  sphere, in metres, with MongoDB's earth radius (6378.1 km); legacy coordinate pairs with
  ``$nearSphere``/``spherical`` in radians; legacy pairs with ``$near`` on the plane.
- ``$near``/``$nearSphere`` filter by ``$minDistance``/``$maxDistance`` and return documents
  nearest first (an explicit sort still re-orders them); they need a geo index and are
  refused by ``count_documents``, as on MongoDB.
- ``$geoWithin`` supports ``$centerSphere``, ``$center``, ``$box``, ``$polygon`` and
  ``$geometry`` (Polygon, MultiPolygon).
- ``$geoNear`` must be the first stage; it takes ``near``, ``distanceField``, ``spherical``,
  ``maxDistance``, ``minDistance``, ``query``, ``key``, ``distanceMultiplier`` and
  ``includeLocs``; without ``key`` the collection must have exactly one geo index; the
  removed ``limit``/``num`` options are refused.
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Iterable, Iterator
from typing import Any

import mongomock.aggregate as mm_aggregate
import mongomock.collection as mm_collection
import mongomock.filtering as mm_filtering
from mongomock import OperationFailure

EARTH_RADIUS_METRES = 6378100.0
NEAR_OPERATORS = ("$near", "$nearSphere")
_GEO_INDEX_TYPES = ("2dsphere", "2d")
_current_collection: contextvars.ContextVar[Any] = contextvars.ContextVar("geo_collection")
_installed = False

Point = tuple[float, float]


def haversine_metres(a: Point, b: Point) -> float:
    """Great-circle distance between two (lng, lat) points on MongoDB's sphere."""
    return haversine_radians(a, b) * EARTH_RADIUS_METRES


def haversine_radians(a: Point, b: Point) -> float:
    lng1, lat1, lng2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * math.asin(min(1.0, math.sqrt(h)))


def _as_point(value: Any) -> Point | None:
    """A GeoJSON Point, a legacy [lng, lat] pair or a legacy {x, y} document."""
    if isinstance(value, dict):
        if value.get("type") == "Point":
            value = value.get("coordinates")
        elif len(value) == 2 and "type" not in value:
            value = list(value.values())
        else:
            return None
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in value)
    ):
        return float(value[0]), float(value[1])
    return None


def _points(value: Any) -> list[Point]:
    """Every point a field holds (a field may hold an array of locations)."""
    single = _as_point(value)
    if single is not None:
        return [single]
    if isinstance(value, list):
        return [p for p in (_as_point(item) for item in value) if p is not None]
    return []


def _field_points(document: dict[str, Any], field: str) -> list[Point]:
    points = []
    for value in mm_filtering.iter_key_candidates(field, document):
        if value is not mm_filtering.NOTHING:
            points.extend(_points(value))
    return points


class _Near:
    """A parsed ``$near``/``$nearSphere`` or ``$geoNear`` origin with its distance function."""

    def __init__(
        self, origin: Point, mode: str, min_distance: float | None, max_distance: float | None
    ) -> None:
        self.origin = origin
        self.mode = mode  # metres | radians | planar
        self.min_distance = min_distance
        self.max_distance = max_distance

    def distance(self, point: Point) -> float:
        if self.mode == "metres":
            return haversine_metres(self.origin, point)
        if self.mode == "radians":
            return haversine_radians(self.origin, point)
        return math.dist(self.origin, point)

    def nearest(self, points: list[Point]) -> float | None:
        distances = [self.distance(p) for p in points]
        return min(distances) if distances else None

    def accepts(self, distance: float) -> bool:
        if self.min_distance is not None and distance < self.min_distance:
            return False
        return self.max_distance is None or distance <= self.max_distance


def _parse_near_clause(operator: str, clause: Any) -> _Near:
    """``{"$near": {"$geometry": ..., "$maxDistance": m}}`` or the legacy forms."""
    if isinstance(clause, dict) and operator in clause:
        value = clause[operator]
        options = clause
    else:
        raise OperationFailure(f"bad {operator} clause")
    if isinstance(value, dict) and "$geometry" in value:
        origin = _as_point(value["$geometry"])
        mode = "metres"
        options = {**options, **value}
    else:
        origin = _as_point(value)
        mode = "radians" if operator == "$nearSphere" else "planar"
    if origin is None:
        raise OperationFailure(f"{operator} needs a point: a GeoJSON Point or [lng, lat]")
    return _Near(origin, mode, options.get("$minDistance"), options.get("$maxDistance"))


def _geo_fields(collection: Any) -> list[str]:
    fields = []
    for info in collection.index_information().values():
        for field, kind in list(info["key"]):
            if kind in _GEO_INDEX_TYPES:
                fields.append(field)
    return fields


def _split_near(spec: dict[str, Any]) -> tuple[str, _Near, dict[str, Any]] | None:
    for field, clause in spec.items():
        if isinstance(clause, dict) and any(op in clause for op in NEAR_OPERATORS):
            operator = next(op for op in NEAR_OPERATORS if op in clause)
            rest = {k: v for k, v in spec.items() if k != field}
            return field, _parse_near_clause(operator, clause), rest
    return None


def _ordered_by_distance(
    documents: Iterable[dict[str, Any]], field: str, near: _Near
) -> list[tuple[float, dict[str, Any]]]:
    scored = []
    for document in documents:
        distance = near.nearest(_field_points(document, field))
        if distance is not None and near.accepts(distance):
            scored.append((distance, document))
    scored.sort(key=lambda pair: pair[0])  # stable: ties keep insertion order
    return scored


def _patched_iter_documents(original: Any) -> Any:
    def _iter_documents(self: Any, spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
        split = _split_near(spec or {})
        if split is None:
            return original(self, spec)
        field, near, rest = split
        if field not in _geo_fields(self):
            raise OperationFailure(f"unable to find index for $geoNear query on {field!r}")
        return iter([doc for _, doc in _ordered_by_distance(original(self, rest), field, near)])

    return _iter_documents


def _patched_count_documents(original: Any) -> Any:
    def count_documents(self: Any, filter: dict[str, Any], **kwargs: Any) -> int:
        if _split_near(filter or {}) is not None:
            raise OperationFailure(
                "$geoNear, $near, and $nearSphere are not allowed in this context"
            )
        return original(self, filter, **kwargs)

    return count_documents


def _geo_within(document_value: Any, shape: Any) -> bool:
    points = _points(document_value)
    if not points or not isinstance(shape, dict) or len(shape) != 1:
        return False
    ((kind, spec),) = shape.items()
    return all(_inside(point, kind, spec) for point in points)


def _inside(point: Point, kind: str, spec: Any) -> bool:
    if kind == "$centerSphere":
        center, radius = _as_point(spec[0]), float(spec[1])
        return center is not None and haversine_radians(center, point) <= radius
    if kind == "$center":
        center, radius = _as_point(spec[0]), float(spec[1])
        return center is not None and math.dist(center, point) <= radius
    if kind == "$box":
        (x1, y1), (x2, y2) = spec
        return min(x1, x2) <= point[0] <= max(x1, x2) and min(y1, y2) <= point[1] <= max(y1, y2)
    if kind == "$polygon":
        return _in_ring(point, [tuple(p) for p in spec])
    if kind == "$geometry":
        return _in_geometry(point, spec)
    raise OperationFailure(f"unknown $geoWithin shape {kind!r}")


def _in_geometry(point: Point, geometry: dict[str, Any]) -> bool:
    if geometry.get("type") == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise OperationFailure("$geoWithin $geometry must be a Polygon or MultiPolygon")
    for rings in polygons:
        outer, holes = rings[0], rings[1:]
        if _in_ring(point, outer) and not any(_in_ring(point, hole) for hole in holes):
            return True
    return False


def _in_ring(point: Point, ring: list[Any]) -> bool:
    """Ray casting on (lng, lat); edges as straight lines (fine at city scale)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > y) != (y2 > y):
            crossing = (x2 - x1) * (y - y1) / (y2 - y1) + x1
            if x < crossing:
                inside = not inside
    return inside


class GeoNear:
    """A parsed ``$geoNear`` stage."""

    def __init__(self, options: dict[str, Any]) -> None:
        for removed in ("limit", "num"):
            if removed in options:
                raise OperationFailure(f"$geoNear does not accept '{removed}' (removed in 4.2)")
        if "distanceField" not in options or "near" not in options:
            raise OperationFailure("$geoNear requires 'near' and 'distanceField'")
        origin = _as_point(options["near"])
        if origin is None:
            raise OperationFailure("$geoNear 'near' must be a GeoJSON Point or [lng, lat]")
        near = options["near"]
        is_geojson = isinstance(near, dict) and near.get("type") == "Point"
        # Units as on MongoDB: metres for GeoJSON, radians for spherical legacy pairs.
        mode = "metres" if is_geojson else ("radians" if options.get("spherical") else "planar")
        self.near = _Near(origin, mode, options.get("minDistance"), options.get("maxDistance"))
        self.key = options.get("key") or _single_geo_field()
        self.query = options.get("query") or {}
        self.multiplier = float(options.get("distanceMultiplier", 1))
        self.distance_field = options["distanceField"]
        self.include_locs = options.get("includeLocs")

    def search_radians(self) -> float | None:
        """The circle (in radians on the sphere) outside which nothing can match, if any."""
        limit = self.near.max_distance
        if limit is None or self.near.mode == "planar":
            return None
        return float(limit) / EARTH_RADIUS_METRES if self.near.mode == "metres" else float(limit)

    def results(
        self, candidates: Iterable[dict[str, Any]], query_applies: Any
    ) -> list[dict[str, Any]]:
        """Candidates within range that match the query, nearest first, each a new top-level
        document (shared sub-documents are never changed) carrying its distance."""
        scored = []
        for document in candidates:
            distance = self.near.nearest(_field_points(document, self.key))
            if distance is None or not self.near.accepts(distance):
                continue
            if query_applies(document):
                scored.append((distance, document))
        scored.sort(key=lambda pair: pair[0])  # stable: ties keep insertion order
        results = []
        for distance, document in scored:
            copy = dict(document)
            _set_path(copy, self.distance_field, distance * self.multiplier)
            if self.include_locs is not None:
                location = next(
                    v
                    for v in mm_filtering.iter_key_candidates(self.key, document)
                    if v is not mm_filtering.NOTHING
                )
                _set_path(copy, self.include_locs, location)
            results.append(copy)
        return results


def _geo_near_stage(
    in_collection: list[dict[str, Any]], database: Any, options: dict[str, Any]
) -> list[dict[str, Any]]:
    """mongomock's pipeline handler, for documents already copied out of the store."""
    stage = GeoNear(options)
    return stage.results(
        in_collection, lambda document: mm_filtering.filter_applies(stage.query, document)
    )


def _single_geo_field() -> str:
    collection = _current_collection.get(None)
    fields = _geo_fields(collection) if collection is not None else []
    if not fields:
        raise OperationFailure("$geoNear requires a 2d or 2dsphere index, but none were found")
    if len(fields) > 1:
        raise OperationFailure(
            "There is more than one 2dsphere index; unsure which to use for $geoNear"
        )
    return fields[0]


def _set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, copying each sub-document on the way (they may be shared)."""
    parts = path.split(".")
    target = document
    for part in parts[:-1]:
        inner = target.get(part)
        inner = dict(inner) if isinstance(inner, dict) else {}
        target[part] = inner
        target = inner
    target[parts[-1]] = value


def install() -> None:
    """Teach mongomock the operators; safe to call more than once, before any client."""
    global _installed
    if _installed:
        return
    filterer = mm_filtering._filterer_inst
    filterer._operator_map["$geoWithin"] = _geo_within
    for operator in (*NEAR_OPERATORS, "$geoWithin", "$maxDistance", "$minDistance"):
        mm_filtering._NOT_IMPLEMENTED_OPERATORS.discard(operator)
    mm_aggregate._PIPELINE_HANDLERS["$geoNear"] = _geo_near_stage
    collection: Any = mm_collection.Collection  # patched below; its types do not describe that
    collection._iter_documents = _patched_iter_documents(collection._iter_documents)
    collection.count_documents = _patched_count_documents(collection.count_documents)
    _installed = True
