"""Reading the caller's services: one (:func:`owned`), and the dashboard list with its
summary (seed 003 7.1)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.pagination import PageParams
from kwika.core.query import ALL, SortOrder, sorting
from kwika.core.tokens import Principal
from kwika.modules.catalogue.constants import (
    SERVICE_SORT_FIELDS,
    ServiceKind,
    ServiceSortBy,
    ServiceStatusFilter,
    VerificationFilter,
)
from kwika.modules.catalogue.documents import (
    Service,
)
from kwika.modules.catalogue.exceptions import (
    listing_not_found,
)
from kwika.modules.catalogue.schemas import (
    ServicesPage,
    ServiceSummaryOut,
)
from kwika.modules.catalogue.services.views import services_out


async def owned(owner_id: ObjectId, service_id: str | ObjectId, kind: str | None = None) -> Service:
    query: dict[str, Any] = {"_id": parse_id(service_id, "Service"), "owner_id": owner_id}
    if kind:
        query["kind"] = kind
    service = await Service.find_one(query)
    if service is None:
        raise listing_not_found(kind)
    return service


async def get_mine(principal: Principal, service_id: str) -> Service:
    return await owned(principal.id, service_id)


def _filters(
    principal: Principal,
    status: ServiceStatusFilter | None,
    verification_status: VerificationFilter | None,
    category_id: str | None,
    kind: ServiceKind | None,
    company_id: str | None,
    catalogue_id: str | None,
) -> dict[str, Any]:
    query: dict[str, Any] = {"owner_id": principal.id}
    problems = []
    if status and status != ALL:
        query["status"] = status
    if verification_status and verification_status != ALL:
        query["verification_status"] = verification_status
    if kind:
        query["kind"] = kind
    for name, value, field in (
        ("service_category_id", category_id, "category_id"),
        ("company_id", company_id, "company_id"),
        ("catalogue_id", catalogue_id, "catalogue_id"),
    ):
        if value:
            oid = try_parse_id(value)
            if oid is None:
                problems.append(FieldError(field, "Not a valid id"))
            query[name] = oid
    if problems:
        raise ValidationFailed(errors=problems)
    return query


async def list_mine(
    principal: Principal,
    paging: PageParams,
    *,
    status: ServiceStatusFilter | None = None,
    verification_status: VerificationFilter | None = None,
    category_id: str | None = None,
    kind: ServiceKind | None = None,
    company_id: str | None = None,
    catalogue_id: str | None = None,
    sort_by: ServiceSortBy = "created_at",
    sort_order: SortOrder = "desc",
) -> ServicesPage:
    """Seed 003 7.1: the caller's services with a summary of all of them."""
    query = _filters(
        principal, status, verification_status, category_id, kind, company_id, catalogue_id
    )
    total = await Service.find(query).count()
    found = (
        await Service.find(query)
        .sort(sorting(SERVICE_SORT_FIELDS, sort_by, sort_order))
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    items = await services_out(found)
    page = paging.build(items, total)
    return ServicesPage(
        items=items,
        services=items,
        summary=await _summary(principal.id),
        pagination=page.pagination,
    )


async def _summary(owner_id: ObjectId) -> ServiceSummaryOut:
    rows = (
        await Service.get_motor_collection()
        .aggregate(
            [
                {"$match": {"owner_id": owner_id}},
                {
                    "$group": {
                        "_id": None,
                        "total": {"$sum": 1},
                        "active": {"$sum": {"$cond": [{"$eq": ["$status", "active"]}, 1, 0]}},
                        "verified": {
                            "$sum": {"$cond": [{"$eq": ["$verification_status", "verified"]}, 1, 0]}
                        },
                        "pending": {
                            "$sum": {"$cond": [{"$eq": ["$verification_status", "pending"]}, 1, 0]}
                        },
                        "bookings": {"$sum": "$booking_count"},
                        "reviews": {"$sum": "$rating_count"},
                        "stars": {"$sum": "$rating_total"},
                    }
                },
            ]
        )
        .to_list(None)
    )
    row = rows[0] if rows else {}
    reviews = row.get("reviews", 0)
    return ServiceSummaryOut(
        total_services=row.get("total", 0),
        active_services=row.get("active", 0),
        verified_services=row.get("verified", 0),
        pending_verification=row.get("pending", 0),
        total_bookings=row.get("bookings", 0),
        total_reviews=reviews,
        average_rating=round(row.get("stars", 0) / reviews, 2) if reviews else None,
    )
