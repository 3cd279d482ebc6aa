"""Pagination contract: ``page``/``limit`` in, ``{items, pagination}`` out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from litestar.di import NamedDependency
from litestar.params import QueryParameter
from pydantic import BaseModel

from kwika.core.errors import FieldError, ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 100
# Deep offsets cost MongoDB a scan of everything skipped (and overflow BSON's int64 far
# beyond); lists this deep are searched or filtered, not paged.
MAX_PAGE = 10_000


class PaginationMeta(BaseModel):
    page: int
    limit: int
    total_items: int
    total_pages: int
    has_next: bool
    has_previous: bool


class Page(BaseModel, Generic[T]):
    items: list[T]
    pagination: PaginationMeta


@dataclass(frozen=True)
class PageParams:
    page: int = 1
    limit: int = 20

    @property
    def skip(self) -> int:
        return (self.page - 1) * self.limit

    def meta(self, total_items: int) -> PaginationMeta:
        total_pages = math.ceil(total_items / self.limit) if total_items else 0
        return PaginationMeta(
            page=self.page,
            limit=self.limit,
            total_items=total_items,
            total_pages=total_pages,
            has_next=self.page < total_pages,
            has_previous=self.page > 1,
        )

    def build(self, items: list[Any], total_items: int) -> Page[Any]:
        return Page[Any](items=items, pagination=self.meta(total_items))


async def provide_page_params(
    page: Annotated[int, QueryParameter(description=f"Page number, 1 to {MAX_PAGE}")] = 1,
    limit: Annotated[int, QueryParameter(description=f"Items per page, 1 to {MAX_LIMIT}")] = 20,
) -> PageParams:
    problems = []
    if not 1 <= page <= MAX_PAGE:
        problems.append(FieldError("page", f"page must be between 1 and {MAX_PAGE}"))
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(FieldError("limit", f"limit must be between 1 and {MAX_LIMIT}"))
    if problems:
        raise ValidationFailed(errors=problems)
    return PageParams(page=page, limit=limit)


Paging = NamedDependency[PageParams]
