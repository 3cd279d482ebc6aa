"""Service packages (seed 003 module 8): priced offers of a service, in the service's
currency, in display order; owner-only. The public service page shows the active ones, so
every write refreshes it (and the discovery listing) through ``pages.service_changed``."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from kwika.core import clock
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import id_of, parse_id, try_parse_id
from kwika.core.tokens import Principal
from kwika.modules.catalogue import pages, signals
from kwika.modules.catalogue.constants import MAX_PACKAGES_PER_SERVICE
from kwika.modules.catalogue.documents import Package, Service
from kwika.modules.catalogue.exceptions import PackageLimitReached, PackageNotFound
from kwika.modules.catalogue.schemas import (
    PackageIn,
    PackageOut,
    PackageReorderIn,
    PackageUpdateIn,
)
from kwika.modules.catalogue.services.listings import owned
from kwika.modules.catalogue.services.money import minor
from kwika.modules.catalogue.services.views import package_out


async def _ordered(service_id: Any) -> list[Package]:
    return (
        await Package.find({"service_id": service_id})
        .sort("+display_order", "+created_at", "+_id")
        .to_list()
    )


async def list_packages(principal: Principal, service_id: str) -> list[PackageOut]:
    service = await owned(principal.id, service_id)
    return [package_out(p) for p in await _ordered(service.id)]


async def packages_of(service_id: Any) -> list[PackageOut]:
    return [package_out(p) for p in await _ordered(service_id)]


def _compare(price: int | None, compare_at: int | None) -> None:
    if compare_at is not None and price is not None and compare_at < price:
        raise ValidationFailed.single(
            "compare_at_price", "compare_at_price is the price before the discount: not less"
        )


async def create(principal: Principal, service_id: str, data: PackageIn) -> PackageOut:
    service = await owned(principal.id, service_id)
    price = minor(data.price, service.currency, "price")
    compare_at = minor(data.compare_at_price, service.currency, "compare_at_price")
    _compare(price, compare_at)
    if price is None or price <= 0:
        raise ValidationFailed.single("price", "The price must be more than zero")
    # One slot per package, guarded so concurrent requests cannot pass the cap.
    taken = await Service.get_motor_collection().update_one(
        {"_id": service.id, "package_count": {"$lt": MAX_PACKAGES_PER_SERVICE}},
        {"$inc": {"package_count": 1}},
    )
    if taken.modified_count != 1:
        raise PackageLimitReached(MAX_PACKAGES_PER_SERVICE)
    order = data.display_order
    if order is None:
        last = await Package.find({"service_id": service.id}).sort("-display_order").first_or_none()
        order = (last.display_order + 1) if last else 1
    package = Package(
        service_id=service.id,
        owner_id=principal.id,
        name=data.name,
        description=data.description,
        price_minor=price,
        currency=service.currency,
        compare_at_price_minor=compare_at,
        duration_hours=data.duration_hours,
        photographers_count=data.photographers_count,
        features=data.features,
        deliverables=data.deliverables,
        turnaround_days=data.turnaround_days,
        max_revisions=data.max_revisions,
        is_popular=data.is_popular,
        is_active=data.is_active,
        display_order=order,
    )
    try:
        await package.insert()
    except Exception:
        await Service.get_motor_collection().update_one(
            {"_id": service.id, "package_count": {"$gte": 1}}, {"$inc": {"package_count": -1}}
        )
        raise
    await pages.service_changed(service_id=id_of(service))
    return package_out(package)


async def _owned_package(service: Service, package_id: str) -> Package:
    package = await Package.find_one(
        {"_id": parse_id(package_id, "Package"), "service_id": service.id}
    )
    if package is None:
        raise PackageNotFound()
    return package


_PLAIN = (
    "name",
    "description",
    "duration_hours",
    "photographers_count",
    "turnaround_days",
    "max_revisions",
)
_FLAGS = ("is_popular", "is_active", "display_order")


async def update(
    principal: Principal, service_id: str, package_id: str, data: PackageUpdateIn
) -> PackageOut:
    service = await owned(principal.id, service_id)
    package = await _owned_package(service, package_id)
    sent = data.model_fields_set
    changes: dict[str, Any] = {}
    for name in _PLAIN:
        if name in sent:
            if name == "name" and not data.name:
                raise ValidationFailed.single("name", "This field is required")
            changes[name] = getattr(data, name)
    for name in _FLAGS:
        if name in sent and getattr(data, name) is not None:
            changes[name] = getattr(data, name)
    for name in ("features", "deliverables"):
        if name in sent:
            value = getattr(data, name)
            if name == "features" and not value:
                raise ValidationFailed.single("features", "List at least one feature")
            changes[name] = value or []
    price: int | None = package.price_minor
    if "price" in sent:
        price = minor(data.price, service.currency, "price")
        if price is None or price <= 0:
            raise ValidationFailed.single("price", "The price must be more than zero")
        changes["price_minor"] = price
    compare_at = package.compare_at_price_minor
    if "compare_at_price" in sent:
        compare_at = minor(data.compare_at_price, service.currency, "compare_at_price")
        changes["compare_at_price_minor"] = compare_at
    _compare(price, compare_at)
    changes["updated_at"] = clock.now()
    await Package.get_motor_collection().update_one({"_id": package.id}, {"$set": changes})
    await pages.service_changed(service_id=id_of(service))
    return package_out(await _owned_package(service, str(package.id)))


async def delete(principal: Principal, service_id: str, package_id: str) -> None:
    """Refused (409 ``IN_USE``) while the bookings module reports active bookings."""
    service = await owned(principal.id, service_id)
    package = await _owned_package(service, package_id)
    await signals.package_deletion.enforce(
        package_id=id_of(package), service_id=id_of(service), owner_id=principal.id
    )
    result = await Package.get_motor_collection().delete_one({"_id": package.id})
    if result.deleted_count == 1:
        await Service.get_motor_collection().update_one(
            {"_id": service.id, "package_count": {"$gte": 1}}, {"$inc": {"package_count": -1}}
        )
        await pages.service_changed(service_id=id_of(service))


async def reorder(
    principal: Principal, service_id: str, data: PackageReorderIn
) -> list[PackageOut]:
    """Seed 003 8.5: ``order: [{package_id, display_order}]``; every id must be a package of
    this service, each once. Packages not listed keep their order."""
    service = await owned(principal.id, service_id)
    problems = []
    seen: set[ObjectId] = set()
    wanted: list[tuple[ObjectId, int]] = []
    for index, item in enumerate(data.order):
        oid = try_parse_id(item.package_id)
        if oid is None:
            problems.append(
                FieldError(f"order.{index}.package_id", "Not a package of this service")
            )
            continue
        if oid in seen:
            problems.append(FieldError(f"order.{index}.package_id", "Listed twice"))
            continue
        seen.add(oid)
        wanted.append((oid, item.display_order))
    known = {
        p.id
        for p in await Package.find(
            {"service_id": service.id, "_id": {"$in": [oid for oid, _ in wanted]}}
        ).to_list()
    }
    for index, item in enumerate(data.order):
        oid = try_parse_id(item.package_id)
        if (
            oid is not None
            and oid not in known
            and not any(e.field == f"order.{index}.package_id" for e in problems)
        ):
            problems.append(
                FieldError(f"order.{index}.package_id", "Not a package of this service")
            )
    if problems:
        raise ValidationFailed(errors=problems)
    now = clock.now()
    collection = Package.get_motor_collection()
    for oid, order in wanted:  # each atomic; mongomock cannot bulk_write pymongo 4.x ops
        await collection.update_one(
            {"_id": oid, "service_id": service.id},
            {"$set": {"display_order": order, "updated_at": now}},
        )
    await pages.service_changed(service_id=id_of(service))
    return await packages_of(service.id)
