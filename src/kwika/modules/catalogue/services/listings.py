"""Services and experiences (seed 003 module 7, seed 000 1.4, seed 002 Task 6).

One writer for both kinds: an experience is a service of kind ``experience`` whose
request uses seed 002's names (``category``, ``price``); :func:`experience_fields` maps
them. Every query for a write filters on the owner, so another provider's service is 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.core import clock
from kwika.core.auth import ClientContext
from kwika.core.errors import FieldError, NotFound, ValidationFailed
from kwika.core.geo import pair_problems, point_or_none
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.money import MoneyError, from_minor, to_minor
from kwika.core.pagination import PageParams
from kwika.core.query import ALL, SortOrder, sorting
from kwika.core.text import search_key, search_keys
from kwika.core.tokens import Principal
from kwika.modules import activity, identity, media, providers, reference
from kwika.modules.catalogue import pages, signals
from kwika.modules.catalogue.constants import (
    MAX_SERVICE_IMAGES,
    SERVICE_SORT_FIELDS,
    ServiceKind,
    ServiceSortBy,
    ServiceStatusFilter,
    VerificationFilter,
)
from kwika.modules.catalogue.documents import (
    ExperienceDetails,
    KycDocument,
    Package,
    PhoneRef,
    Service,
)
from kwika.modules.catalogue.exceptions import (
    GuideRequired,
    ServiceNotFound,
    ServiceSuspended,
    ServiceTypeLocked,
    listing_not_found,
)
from kwika.modules.catalogue.schemas import (
    ExperienceIn,
    ServiceIn,
    ServiceOut,
    ServicesPage,
    ServiceSummaryOut,
    ServiceUpdateIn,
)
from kwika.modules.catalogue.services import images as image_ops
from kwika.modules.catalogue.services.catalogues import owned_catalogue, owned_category
from kwika.modules.catalogue.services.money import currency_code, minor
from kwika.modules.catalogue.services.views import service_out, services_out

# Seed 002 names on /experiences -> the service fields they fill.
EXPERIENCE_NAMES = {"category": "experience_category", "price": "min_price"}
EXPERIENCE_ERRORS = {v: k for k, v in EXPERIENCE_NAMES.items()}


def experience_fields(data: ExperienceIn, *, creating: bool) -> ServiceUpdateIn:
    """An /experiences request as the service fields it means."""
    values = {
        EXPERIENCE_NAMES.get(name, name): getattr(data, name) for name in data.model_fields_set
    }
    if creating:
        values.setdefault("price_unit", "per_person")
        values["price_type"] = "fixed"
        values["kind"] = "experience"
    return ServiceUpdateIn.model_validate(values)


async def owned(owner_id: ObjectId, service_id: str | ObjectId, kind: str | None = None) -> Service:
    query: dict[str, Any] = {"_id": parse_id(service_id, "Service"), "owner_id": owner_id}
    if kind:
        query["kind"] = kind
    service = await Service.find_one(query)
    if service is None:
        raise listing_not_found(kind)
    return service


class _Draft:
    """The fields a create or update sets and unsets, checked together."""

    def __init__(self, data: ServiceIn, current: Service | None, renames: dict[str, str]) -> None:
        self.data = data
        self.current = current
        self.creating = current is None
        self.sent = set(data.model_fields_set)
        self.renames = renames
        self.set: dict[str, Any] = {}
        self.unset: dict[str, str] = {}
        self.errors: list[FieldError] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(FieldError(self.renames.get(field, field), message))

    def given(self, name: str) -> bool:
        return name in self.sent

    def put(self, field: str, value: Any) -> None:
        if value is None or value == []:
            if not self.creating:
                self.unset[field] = ""
            if value == []:
                self.set[field] = []
                self.unset.pop(field, None)
        else:
            self.set[field] = value.model_dump() if hasattr(value, "model_dump") else value

    def after(self, field: str) -> Any:
        """The value the document will hold."""
        if field in self.set:
            return self.set[field]
        if field in self.unset:
            return None
        return getattr(self.current, field, None) if self.current is not None else None

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(errors=self.errors)


def _texts(draft: _Draft) -> None:
    data = draft.data
    if draft.given("title") or draft.given("name"):
        title = data.title or data.name
        if not title:
            draft.error("title", "This field is required")
        else:
            draft.put("title", title)
            draft.put("title_key", search_key(title) or title.lower())
    elif draft.creating:
        draft.error("title", "This field is required")
    if draft.given("description"):
        if not data.description:
            draft.error("description", "This field is required")
        else:
            draft.put("description", data.description)
    elif draft.creating:
        draft.error("description", "This field is required")
    for name in (
        "short_description",
        "price_notes",
        "full_address",
        "travel_fee_info",
        "years_experience",
        "team_size",
        "booking_lead_time_days",
        "cancellation_policy",
        "insurance_info",
        "price_unit",
    ):
        if draft.given(name):
            draft.put(name, getattr(data, name))
    if draft.given("location"):
        draft.put("location", data.location)
        draft.put("location_key", search_key(data.location))
    if draft.given("service_areas"):
        areas = data.service_areas or []
        draft.put("service_areas", areas)
        draft.put("service_area_keys", search_keys(areas))
    if draft.given("languages"):
        languages = data.languages or []
        draft.put("languages", languages)
        draft.put("language_keys", search_keys(languages))
    if draft.given("highlights"):
        draft.put("highlights", data.highlights or [])
    if draft.given("is_available") and data.is_available is not None:
        draft.put("is_available", data.is_available)
    if draft.given("status") and data.status is not None:
        if draft.current is not None and draft.current.status == "suspended":
            raise ServiceSuspended()
        draft.put("status", data.status)


def _location(draft: _Draft) -> None:
    data = draft.data
    if not (draft.given("latitude") or draft.given("longitude")):
        return
    for problem in pair_problems(data.latitude, data.longitude):
        draft.error(problem.field, problem.message)
    draft.put("geo", point_or_none(data.latitude, data.longitude))


def _kind(draft: _Draft) -> str:
    data = draft.data
    if draft.creating:
        return data.kind or "service"
    assert draft.current is not None
    if draft.given("kind") and data.kind and data.kind != draft.current.kind:
        draft.error("kind", "A listing cannot change its kind")
    return draft.current.kind


def _experience(draft: _Draft, kind: str) -> None:
    data = draft.data
    if kind != "experience":
        if draft.given("experience_category") and data.experience_category:
            draft.error("experience_category", "Only experiences have an experience category")
        return
    if draft.given("experience_category"):
        if data.experience_category is None:
            draft.error("experience_category", "This field is required")
        draft.put("experience_category", data.experience_category)
    elif draft.creating:
        draft.error("experience_category", "This field is required")
    current = draft.current.experience if draft.current and draft.current.experience else None
    details = current.model_copy() if current else ExperienceDetails()
    for name in ("duration_hours", "min_group_size", "max_group_size", "meeting_point"):
        if draft.given(name):
            value = getattr(data, name)
            setattr(details, name, 1 if name == "min_group_size" and value is None else value)
    if draft.creating and details.duration_hours is None:
        draft.error("duration_hours", "This field is required")
    if details.max_group_size is not None and details.max_group_size < details.min_group_size:
        draft.error("max_group_size", "max_group_size must be at least min_group_size")
    draft.put("experience", details)


async def _prices(draft: _Draft, kind: str) -> None:
    data = draft.data
    currency = draft.current.currency if draft.current else None
    if draft.given("currency") or draft.creating:
        try:
            currency = await currency_code(data.currency)
        except ValidationFailed as exc:
            draft.errors.extend(exc.errors)
            return
        draft.put("currency", currency)
    assert currency is not None
    old_currency = draft.current.currency if draft.current else currency
    min_amount = _amount(draft, "min_price", "price", "min_price_minor", old_currency)
    max_amount = _amount(draft, "max_price", None, "max_price_minor", old_currency)
    price_type = data.price_type if draft.given("price_type") and data.price_type else None
    if price_type is None:
        price_type = draft.current.price_type if draft.current else None
    if price_type is None:
        price_type = "range" if max_amount is not None else "fixed"
    draft.put("price_type", price_type)
    if kind == "experience" and min_amount is None:
        draft.error("min_price", "This field is required")
    if price_type == "range":
        if min_amount is None:
            draft.error("min_price", "A price range needs min_price")
        if max_amount is None:
            draft.error("max_price", "A price range needs max_price")
        elif min_amount is not None and max_amount < min_amount:
            draft.error("max_price", "max_price must be at least min_price")
    elif price_type in ("fixed", "starting_from"):
        if min_amount is None:
            draft.error("min_price", "This field is required")
        max_amount = None
    for field, amount, stored in (
        ("min_price", min_amount, "min_price_minor"),
        ("max_price", max_amount, "max_price_minor"),
    ):
        try:
            draft.put(stored, minor(amount, currency, field))
        except ValidationFailed as exc:
            draft.errors.extend(exc.errors)


def _amount(
    draft: _Draft, name: str, alias: str | None, stored: str, old_currency: str
) -> Decimal | None:
    """The amount after the change: sent (``name`` or its seed 000 ``alias``), else the
    stored one (in the old currency's units)."""
    data = draft.data
    if draft.given(name):
        return getattr(data, name)
    if alias and draft.given(alias):
        return getattr(data, alias)
    if draft.current is None:
        return None
    current = getattr(draft.current, stored)
    return from_minor(current, old_currency) if current is not None else None


async def _references(draft: _Draft) -> None:
    data = draft.data
    type_id = data.service_type_id if draft.given("service_type_id") else None
    category_id = data.service_category_id if draft.given("service_category_id") else None
    if draft.given("service_type_id"):
        if type_id:
            try:
                service_type = await reference.get_service_type(type_id)
            except NotFound:
                draft.error("service_type_id", "Unknown service type")
                return
            if not service_type.is_active:
                draft.error("service_type_id", "This service type is no longer offered")
                return
            if category_id and category_id != service_type.category_id:
                draft.error("service_category_id", "The service type is in another category")
                return
            draft.put("service_type_id", ObjectId(service_type.id))
            draft.put("service_category_id", ObjectId(service_type.category_id))
            return
        draft.put("service_type_id", None)
    if draft.given("service_category_id"):
        if category_id:
            try:
                category = await reference.get_category(category_id)
            except NotFound:
                draft.error("service_category_id", "Unknown service category")
                return
            if not category.is_active:
                draft.error("service_category_id", "This category is no longer offered")
                return
            current_type = draft.after("service_type_id")
            if current_type is not None:
                known = await reference.get_service_type(current_type)
                if known.category_id != category.id:
                    draft.error("service_category_id", "The service type is in another category")
                    return
            draft.put("service_category_id", ObjectId(category.id))
        else:
            draft.put("service_category_id", None)
            draft.put("service_type_id", None)


async def _placement(draft: _Draft, owner_id: ObjectId) -> None:
    """Company, catalogue and category: all the caller's, and of one company."""
    data = draft.data
    company_id = draft.after("company_id")
    if draft.given("company_id"):
        if data.company_id:
            company = await providers.get_owned_company(owner_id, data.company_id)
            company_id = ObjectId(company.id)
        else:
            company_id = None
        draft.put("company_id", company_id)
    for name, finder in (("catalogue_id", owned_catalogue), ("category_id", owned_category)):
        if not draft.given(name):
            continue
        value = getattr(data, name)
        if not value:
            draft.put(name, None)
            continue
        item = await finder(owner_id, value)
        if company_id is None:
            company_id = item.company_id
            draft.put("company_id", company_id)
        elif item.company_id != company_id:
            draft.error(name, "This belongs to another of your companies")
            continue
        draft.put(name, item.id)
    if draft.given("company_id") and draft.current is not None:
        # Moving to another company leaves catalogue and category behind unless resent.
        for name in ("catalogue_id", "category_id"):
            moved = draft.current.company_id != company_id
            if moved and not draft.given(name) and draft.after(name) is not None:
                draft.put(name, None)


async def _phone(draft: _Draft, owner_id: ObjectId) -> None:
    if not draft.given("business_phone_id"):
        return
    if not draft.data.business_phone_id:
        draft.put("business_phone", None)
        return
    phone = await providers.verified_business_phone(owner_id, draft.data.business_phone_id)
    draft.put("business_phone", PhoneRef(id=ObjectId(phone.id), phone_number=phone.phone_number))


async def _draft(
    principal: Principal,
    data: ServiceIn,
    current: Service | None,
    renames: dict[str, str],
) -> tuple[_Draft, str]:
    draft = _Draft(data, current, renames)
    kind = _kind(draft)
    _texts(draft)
    _location(draft)
    _experience(draft, kind)
    await _prices(draft, kind)
    await _references(draft)
    draft.check()
    await _placement(draft, principal.id)
    await _phone(draft, principal.id)
    draft.check()
    return draft, kind


async def _require_kind(principal: Principal, kind: str) -> providers.ProviderSnapshot:
    provider = await providers.require_provider(principal.id)
    if kind == "experience" and "guide" not in provider.kinds:
        raise GuideRequired()
    return provider


async def _count(service: Service, delta: int) -> None:
    """Keep reference ``service_count`` and the owner's profile counter in step."""
    if service.kind == "service":
        await reference.adjust_service_count(
            service.service_category_id, service.service_type_id, delta
        )
    await identity.adjust_counter(service.owner_id, "services", delta)


async def create(
    principal: Principal,
    data: ServiceIn,
    uploads: list[UploadFile],
    client: ClientContext,
    *,
    renames: dict[str, str] | None = None,
) -> ServiceOut:
    provider = await _require_kind(principal, data.kind or "service")
    if len(uploads) + len(data.image_ids) > MAX_SERVICE_IMAGES:
        raise image_ops.too_many()
    draft, kind = await _draft(principal, data, None, renames or {})
    service_id = ObjectId()
    now = clock.now()
    new = image_ops.NewImages(principal.id, service_id, draft.set["title"])
    try:
        images = image_ops.arranged(await new.gather(uploads, data.image_ids))
        fields = {**draft.set, **image_ops.image_fields(images)}
        fields = {k: v for k, v in fields.items() if v is not None}
        service = Service.model_validate(
            {
                **fields,
                "_id": service_id,
                "owner_id": principal.id,
                "provider_id": ObjectId(provider.id),
                "kind": kind,
                "created_at": now,
                "updated_at": now,
            }
        )
        await service.insert()
    except Exception:
        await new.undo()
        raise
    await _count(service, +1)
    await pages.service_changed(service_id=service_id)
    await activity.record(
        activity.Actor("user", principal.id),
        f"{kind}.created",
        target_type=kind,
        target_id=service_id,
        details={"title": service.title},
        ip=client.ip,
    )
    return await service_out(service)


async def update(
    principal: Principal,
    service_id: str,
    data: ServiceUpdateIn,
    uploads: list[UploadFile],
    client: ClientContext,
    *,
    kind: str | None = None,
    renames: dict[str, str] | None = None,
) -> ServiceOut:
    service = await owned(principal.id, service_id, kind)
    assert service.id is not None
    draft, _ = await _draft(principal, data, service, renames or {})
    await _check_type_change(service, draft)
    await _check_currency_change(service, draft)
    if draft.set or draft.unset:
        update_doc: dict[str, Any] = {"$set": {**draft.set, "updated_at": clock.now()}}
        if draft.unset:
            update_doc["$unset"] = draft.unset
        await Service.get_motor_collection().update_one(
            {"_id": service.id, "owner_id": principal.id}, update_doc
        )
    await _after_reference_change(service, draft)
    if "currency" in draft.set and draft.set["currency"] != service.currency:
        await _convert_packages(service, draft.set["currency"])
    await _update_images(principal, service, data, uploads)
    await pages.service_changed(service_id=service.id)
    await activity.record(
        activity.Actor("user", principal.id),
        f"{service.kind}.updated",
        target_type=service.kind,
        target_id=service.id,
        details={"fields": sorted(data.model_fields_set)},
        ip=client.ip,
    )
    return await service_out(await owned(principal.id, service.id))


async def _check_type_change(service: Service, draft: _Draft) -> None:
    """KYC documents answer the requirements of one service type: once any is sent, the
    type stays."""
    new_type = draft.after("service_type_id")
    if new_type == service.service_type_id:
        return
    if await KycDocument.find_one({"service_id": service.id}):
        raise ServiceTypeLocked()


async def _check_currency_change(service: Service, draft: _Draft) -> None:
    currency = draft.set.get("currency")
    if currency is None or currency == service.currency:
        return
    async for package in Package.find({"service_id": service.id}):
        for stored in (package.price_minor, package.compare_at_price_minor):
            if stored is None:
                continue
            try:
                to_minor(from_minor(stored, service.currency), currency)
            except MoneyError:
                raise ValidationFailed.single(
                    "currency", f"A package price cannot be written in {currency}"
                ) from None


async def _convert_packages(service: Service, currency: str) -> None:
    """Packages are priced in their service's currency: same amounts, new currency."""
    collection = Package.get_motor_collection()
    async for package in Package.find({"service_id": service.id}):
        fields: dict[str, Any] = {
            "currency": currency,
            "price_minor": to_minor(from_minor(package.price_minor, service.currency), currency),
        }
        if package.compare_at_price_minor is not None:
            fields["compare_at_price_minor"] = to_minor(
                from_minor(package.compare_at_price_minor, service.currency), currency
            )
        await collection.update_one({"_id": package.id}, {"$set": fields})


async def _after_reference_change(service: Service, draft: _Draft) -> None:
    if service.kind != "service":
        return
    new_category = draft.after("service_category_id")
    new_type = draft.after("service_type_id")
    if new_category == service.service_category_id and new_type == service.service_type_id:
        return
    await reference.adjust_service_count(service.service_category_id, service.service_type_id, -1)
    await reference.adjust_service_count(new_category, new_type, +1)


async def _update_images(
    principal: Principal, service: Service, data: ServiceUpdateIn, uploads: list[UploadFile]
) -> None:
    """Seed 003 7.4: new ``images`` (or ``image_ids``), ``remove_images``,
    ``primary_image_id``, applied in that order."""
    assert service.id is not None
    sent = data.model_fields_set
    removing = list(data.remove_images) if "remove_images" in sent else []
    adding = list(data.image_ids) if "image_ids" in sent else []
    primary = data.primary_image_id if "primary_image_id" in sent else None
    if not (uploads or adding or removing or primary):
        return
    known = {image.id for image in service.images}
    unknown = [i for i in removing if i not in known]
    if unknown:
        raise ValidationFailed.single("remove_images", f"Unknown image ids: {', '.join(unknown)}")
    after = len(service.images) - len(set(removing)) + len(uploads) + len(adding)
    if after > MAX_SERVICE_IMAGES:
        raise image_ops.too_many()
    new = image_ops.NewImages(principal.id, service.id, service.title, service.images)
    try:
        added = await new.gather(uploads, adding)

        def apply(images: list[Any]) -> list[Any]:
            kept = [image for image in images if image.id not in set(removing)]
            present = {image.id for image in kept}
            merged = kept + [image for image in added if image.id not in present]
            if len(merged) > MAX_SERVICE_IMAGES:
                raise image_ops.too_many()
            if primary and primary not in {image.id for image in merged}:
                raise ValidationFailed.single("primary_image_id", "Unknown image id")
            return image_ops.arranged(merged, primary)

        _, gone = await image_ops.change_images(service.id, principal.id, apply)
    except Exception:
        await new.undo()
        raise
    await image_ops.retire(service.id, gone)


async def delete(
    principal: Principal, service_id: str, client: ClientContext, *, kind: str | None = None
) -> None:
    """Refused (409 ``IN_USE``) while the bookings module reports active bookings."""
    service = await owned(principal.id, service_id, kind)
    assert service.id is not None
    await signals.service_deletion.enforce(service_id=service.id, owner_id=principal.id)
    result = await Service.get_motor_collection().delete_one(
        {"_id": service.id, "owner_id": principal.id}
    )
    if result.deleted_count != 1:
        raise ServiceNotFound()
    await _drop_belongings(service)
    await _count(service, -1)
    await pages.service_removed(service_id=service.id, kind=service.kind)
    await activity.record(
        activity.Actor("user", principal.id),
        f"{service.kind}.deleted",
        target_type=service.kind,
        target_id=service.id,
        details={"title": service.title},
        ip=client.ip,
    )


async def _drop_belongings(service: Service) -> None:
    """Packages, KYC documents and images go with the service; a file goes with them
    unless something else still uses it (one ID document may answer for several services)."""
    await Package.get_motor_collection().delete_many({"service_id": service.id})
    async for document in KycDocument.find({"service_id": service.id}):
        await media.release(
            document.file_id, ("service_kyc", str(service.id)), delete_if_unused=True
        )
    await KycDocument.get_motor_collection().delete_many({"service_id": service.id})
    for image in service.images:
        await media.release(image.file_id, image_ops.use_of(service.id), delete_if_unused=True)


# ---------------------------------------------------------------- reading


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


# ---------------------------------------------------------------- guards and erasure


async def provider_changed(provider_id: ObjectId) -> None:
    """Receiver of ``providers.provider_changed``: service pages show the provider."""
    async for row in Service.get_motor_collection().find({"provider_id": provider_id}, {"_id": 1}):
        await pages.SERVICE_PAGES.invalidate(str(row["_id"]))


async def categories_in_use(
    *, provider_id: ObjectId | None = None, company_id: ObjectId | None = None
) -> list[str]:
    """Service categories of a provider's (or a company's) active services."""
    query: dict[str, Any] = {"status": "active", "service_category_id": {"$ne": None}}
    if provider_id is not None:
        query["provider_id"] = provider_id
    if company_id is not None:
        query["company_id"] = company_id
    found = await Service.get_motor_collection().distinct("service_category_id", query)
    return sorted(str(category) for category in found if category)


async def company_has_services(company_id: ObjectId, owner_id: ObjectId) -> str | None:
    """Receiver of ``providers.company_deletion``."""
    count = await Service.find({"company_id": company_id}).count()
    if count:
        return f"This company still has {count} service(s); delete or move them first"
    return None


async def phone_in_use(phone_id: ObjectId, owner_id: ObjectId) -> str | None:
    """Receiver of ``providers.business_phone_deletion``."""
    count = await Service.find({"business_phone.id": phone_id}).count()
    if count:
        return f"{count} service(s) show this number; choose another one for them first"
    return None


async def erase_owner(owner_id: ObjectId) -> None:
    """Account anonymisation: the person's listings go (media erases their files)."""
    async for service in Service.find({"owner_id": owner_id}):
        await Service.get_motor_collection().delete_one({"_id": service.id})
        await Package.get_motor_collection().delete_many({"service_id": service.id})
        await KycDocument.get_motor_collection().delete_many({"service_id": service.id})
        if service.kind == "service":
            await reference.adjust_service_count(
                service.service_category_id, service.service_type_id, -1
            )
        await pages.service_removed(service_id=service.id, kind=service.kind)
