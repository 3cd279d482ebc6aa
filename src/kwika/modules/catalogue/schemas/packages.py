"""Packages of a service."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kwika.core.money import Amount
from kwika.core.schemas import RequestSchema, ResponseSchema
from kwika.modules.catalogue.schemas.common import Features, Money


class PackageIn(RequestSchema):
    name: str = Field(min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=500)
    price: Amount
    compare_at_price: Amount | None = None
    duration_hours: float | None = Field(default=None, gt=0, le=720)
    photographers_count: int | None = Field(default=None, ge=0, le=1000)
    features: Features = Field(min_length=1, max_length=30)
    deliverables: Features = Field(default_factory=list, max_length=30)
    turnaround_days: int | None = Field(default=None, ge=0, le=365)
    max_revisions: int | None = Field(default=None, ge=0, le=100)
    is_popular: bool = False
    is_active: bool = True
    display_order: int | None = Field(default=None, ge=0, le=10000)


class PackageUpdateIn(RequestSchema):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=500)
    price: Amount | None = None
    compare_at_price: Amount | None = None
    duration_hours: float | None = Field(default=None, gt=0, le=720)
    photographers_count: int | None = Field(default=None, ge=0, le=1000)
    features: Features | None = Field(default=None, min_length=1, max_length=30)
    deliverables: Features | None = Field(default=None, max_length=30)
    turnaround_days: int | None = Field(default=None, ge=0, le=365)
    max_revisions: int | None = Field(default=None, ge=0, le=100)
    is_popular: bool | None = None
    is_active: bool | None = None
    display_order: int | None = Field(default=None, ge=0, le=10000)


class PackageOrderItem(RequestSchema):
    package_id: str
    display_order: int = Field(ge=0, le=10000)


class PackageReorderIn(RequestSchema):
    order: list[PackageOrderItem] = Field(min_length=1, max_length=100)


class PackageOut(ResponseSchema):
    id: str
    service_id: str
    name: str
    description: str | None
    price: Money
    currency: str
    compare_at_price: Money | None
    duration_hours: float | None
    photographers_count: int | None
    features: list[str]
    deliverables: list[str]
    turnaround_days: int | None
    max_revisions: int | None
    is_popular: bool
    is_active: bool
    booking_count: int
    display_order: int
    created_at: datetime
    updated_at: datetime
