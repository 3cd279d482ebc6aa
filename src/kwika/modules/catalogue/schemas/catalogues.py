"""Catalogues and categories of a company."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kwika.core.schemas import IdStr, RequestSchema, ResponseSchema
from kwika.modules.catalogue.constants import (
    MAX_BULK_CATEGORIES,
)


class CatalogueIn(RequestSchema):
    name: str = Field(min_length=2, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    is_active: bool = True
    display_order: int = Field(default=0, ge=0, le=10000)


class CatalogueUpdateIn(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    is_active: bool | None = None
    display_order: int | None = Field(default=None, ge=0, le=10000)


class CatalogueOut(ResponseSchema):
    id: IdStr
    company_id: IdStr
    name: str
    description: str | None
    is_active: bool
    display_order: int
    service_count: int
    created_at: datetime
    updated_at: datetime


class CategoryIn(RequestSchema):
    name: str = Field(min_length=2, max_length=100)
    description: str | None = Field(default=None, max_length=500)


class CategoryUpdateIn(RequestSchema):
    name: str | None = Field(default=None, min_length=2, max_length=100)
    description: str | None = Field(default=None, max_length=500)


class CategoryBulkIn(RequestSchema):
    categories: list[CategoryIn] = Field(min_length=1, max_length=MAX_BULK_CATEGORIES)


class CategoryOut(ResponseSchema):
    id: IdStr
    company_id: IdStr
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class CategoryBulkOut(ResponseSchema):
    created: list[CategoryOut]
    updated: list[CategoryOut]
