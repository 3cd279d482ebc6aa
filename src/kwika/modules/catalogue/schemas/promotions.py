"""Promotions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kwika.core.geo import Latitude, Longitude
from kwika.core.money import Amount
from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import RequestSchema, ResponseSchema
from kwika.modules.catalogue.schemas.common import DayOrMoment, Money


class PromotionIn(RequestSchema):
    name: str = Field(min_length=2, max_length=120)
    category: str = Field(min_length=2, max_length=60)
    description: str | None = Field(default=None, max_length=2000)
    address: str | None = Field(default=None, max_length=300)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    start_date: DayOrMoment = Field(description="A date (start of day, UTC) or a time")
    end_date: DayOrMoment = Field(description="A date (end of day, UTC) or a time")
    price: Amount
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    company_id: str
    image_id: str | None = Field(default=None, description="An image uploaded first")
    is_active: bool = True


class PromotionUpdateIn(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=120)
    category: str | None = Field(default=None, min_length=2, max_length=60)
    description: str | None = Field(default=None, max_length=2000)
    address: str | None = Field(default=None, max_length=300)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    start_date: DayOrMoment | None = None
    end_date: DayOrMoment | None = None
    price: Amount | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    image_id: str | None = None
    is_active: bool | None = None


class PromotionOut(ResponseSchema):
    id: str
    owner_id: str
    provider_id: str
    company_id: str
    company_name: str | None
    name: str
    category: str
    description: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    start_date: datetime
    end_date: datetime
    status: Literal["scheduled", "active", "expired", "inactive"]
    price: Money
    currency: str
    image: str | None = Field(description="Image URL")
    thumbnail_url: str | None
    image_id: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class PromotionsPage(ResponseSchema):
    items: list[PromotionOut]
    pagination: PaginationMeta
