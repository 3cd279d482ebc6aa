"""Locations: every located object takes ``latitude``/``longitude`` and stores a GeoJSON
point (``{"type": "Point", "coordinates": [lng, lat]}``) under a 2dsphere index, so
``$near``/``$geoWithin``/``$geoNear`` work on MongoDB and on the embedded engine alike."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from pymongo import GEOSPHERE, IndexModel

from kwika.core.errors import FieldError

Latitude = Annotated[float, Field(ge=-90, le=90, description="Degrees, -90 to 90")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="Degrees, -180 to 180")]


class GeoPoint(BaseModel):
    """A GeoJSON point. Coordinates are ``[longitude, latitude]`` (GeoJSON order)."""

    type: Literal["Point"] = "Point"
    coordinates: list[float]

    @classmethod
    def at(cls, latitude: float, longitude: float) -> GeoPoint:
        return cls(coordinates=[float(longitude), float(latitude)])

    @property
    def latitude(self) -> float:
        return self.coordinates[1]

    @property
    def longitude(self) -> float:
        return self.coordinates[0]


def geo_index(field: str = "geo") -> IndexModel:
    """The one 2dsphere index of a collection (``$geoNear`` needs exactly one)."""
    return IndexModel([(field, GEOSPHERE)], name=f"{field}_2dsphere")


def pair_problems(latitude: Any, longitude: Any) -> list[FieldError]:
    """Latitude and longitude come together or not at all."""
    if (latitude is None) == (longitude is None):
        return []
    missing = "longitude" if longitude is None else "latitude"
    return [FieldError(missing, "latitude and longitude must be sent together")]


def point_or_none(latitude: float | None, longitude: float | None) -> GeoPoint | None:
    if latitude is None or longitude is None:
        return None
    return GeoPoint.at(latitude, longitude)


def coordinates_of(point: GeoPoint | None) -> tuple[float | None, float | None]:
    """``(latitude, longitude)`` of a stored point, or ``(None, None)``."""
    if point is None:
        return None, None
    return point.latitude, point.longitude
