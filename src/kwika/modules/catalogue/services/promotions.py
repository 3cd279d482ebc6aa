"""Promotions (seed 000 1.5): time-bound offers of a company, with a category, a place, a
price and an image. Owner-only writes (another provider's promotion is 404)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.core import access, clock
from kwika.core.auth import ClientContext
from kwika.core.errors import FieldError, NotFound, ValidationFailed
from kwika.core.geo import pair_problems, point_or_none
from kwika.core.ids import id_of, parse_id
from kwika.core.money import from_minor
from kwika.core.pagination import PageParams
from kwika.core.query import ALL
from kwika.core.text import search_key
from kwika.core.tokens import Principal
from kwika.modules import activity, media, providers
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.constants import (
    MAX_PROMOTION_DAYS,
    PROMOTION_IMAGE_CONTEXTS,
    PromotionStatusFilter,
)
from kwika.modules.catalogue.documents import FileRef, Promotion
from kwika.modules.catalogue.exceptions import PromotionNotFound
from kwika.modules.catalogue.schemas import (
    PromotionIn,
    PromotionOut,
    PromotionsPage,
    PromotionUpdateIn,
)
from kwika.modules.catalogue.services.money import currency_code, minor
from kwika.modules.catalogue.services.views import dated_status, promotion_out


def _moment(value: datetime | date, *, end: bool) -> datetime:
    """A date means the whole day (UTC): from its first to its last millisecond."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    else:
        moment = datetime.combine(value, time.max if end else time.min, tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _check_dates(start: datetime, end: datetime) -> None:
    problems = []
    if end <= start:
        problems.append(FieldError("end_date", "end_date must be after start_date"))
    elif end - start > timedelta(days=MAX_PROMOTION_DAYS):
        problems.append(
            FieldError("end_date", f"A promotion runs at most {MAX_PROMOTION_DAYS} days")
        )
    if end <= clock.now():
        problems.append(FieldError("end_date", "end_date must be in the future"))
    if problems:
        raise ValidationFailed(errors=problems)


def _use(promotion_id: Any, name: str | None = None) -> tuple[str, str, str | None]:
    return ("promotion", str(promotion_id), name)


async def _attach_image(
    owner_id: ObjectId, promotion_id: ObjectId, name: str, image_id: str
) -> FileRef:
    file = await media.attach(
        image_id,
        owner_id,
        _use(promotion_id, name),
        contexts=PROMOTION_IMAGE_CONTEXTS,
        field="image_id",
    )
    if file.kind != "image" or file.file_url is None:
        await media.release(file.id, _use(promotion_id))
        raise ValidationFailed.single("image_id", "This file is not an image")
    return FileRef(
        file_id=PydanticObjectId(file.id), url=file.file_url, thumbnail_url=file.thumbnail_url
    )


async def _owned(principal: Principal, promotion_id: str | ObjectId) -> Promotion:
    promotion = await Promotion.find_one(
        {"_id": parse_id(promotion_id, "Promotion"), "owner_id": principal.id}
    )
    if promotion is None:
        raise PromotionNotFound()
    return promotion


async def _out(promotion: Promotion) -> PromotionOut:
    try:
        company = await providers.get_company(promotion.company_id)
        name = company.name
    except NotFound:
        name = None
    return promotion_out(promotion, name)


async def create(principal: Principal, data: PromotionIn, client: ClientContext) -> PromotionOut:
    problems = pair_problems(data.latitude, data.longitude)
    if problems:
        raise ValidationFailed(errors=problems)
    start = _moment(data.start_date, end=False)
    end = _moment(data.end_date, end=True)
    _check_dates(start, end)
    provider = await providers.require_provider(principal.id)
    company = await providers.get_owned_company(principal.id, data.company_id)
    currency = await currency_code(data.currency)
    price = minor(data.price, currency, "price")
    promotion_id = ObjectId()
    image = (
        await _attach_image(principal.id, promotion_id, data.name, data.image_id)
        if data.image_id
        else None
    )
    promotion = Promotion(
        id=promotion_id,
        owner_id=principal.id,
        provider_id=ObjectId(provider.id),
        company_id=ObjectId(company.id),
        name=data.name,
        name_key=search_key(data.name) or data.name,
        category=data.category,
        category_key=search_key(data.category) or data.category,
        description=data.description,
        address=data.address,
        address_key=search_key(data.address),
        geo=point_or_none(data.latitude, data.longitude),
        start_date=start,
        end_date=end,
        price_minor=price or 0,
        currency=currency,
        image=image,
        is_active=data.is_active,
    )
    try:
        await promotion.insert()
    except Exception:
        if image is not None:
            await media.release(image.file_id, _use(promotion_id))
        raise
    await pages.promotion_changed(promotion_id=promotion_id)
    await activity.record(
        activity.Actor("user", principal.id),
        "promotion.created",
        target_type="promotion",
        target_id=promotion_id,
        details={"name": data.name, "company_id": company.id},
        ip=client.ip,
    )
    return promotion_out(promotion, company.name)


def _status_query(status: PromotionStatusFilter | None) -> dict[str, Any]:
    if not status or status == ALL:
        return {}
    now = clock.now()
    if status == "inactive":
        return {"is_active": False}
    if status == "expired":
        return {"is_active": True, "end_date": {"$lte": now}}
    if status == "scheduled":
        return {"is_active": True, "start_date": {"$gt": now}}
    return {"is_active": True, "start_date": {"$lte": now}, "end_date": {"$gt": now}}


async def list_mine(
    principal: Principal,
    paging: PageParams,
    *,
    status: PromotionStatusFilter | None = None,
    company_id: str | None = None,
) -> PromotionsPage:
    query: dict[str, Any] = {"owner_id": principal.id, **_status_query(status)}
    if company_id:
        query["company_id"] = parse_id(company_id, "Company")
    total = await Promotion.find(query).count()
    found = (
        await Promotion.find(query)
        .sort("-created_at", "-_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    names = {
        cid: c.name
        for cid, c in (await providers.get_companies([p.company_id for p in found])).items()
    }
    page = paging.build([promotion_out(p, names.get(str(p.company_id))) for p in found], total)
    return PromotionsPage(items=page.items, pagination=page.pagination)


async def get_public(promotion_id: str, viewer_id: ObjectId | None) -> PromotionOut:
    """Anyone sees a promotion (with its ``status``); one its owner switched off only its
    owner sees. Public ones come from the cache (invalidated by every change)."""
    oid = parse_id(promotion_id, "Promotion")

    async def load() -> PromotionOut:
        promotion = await Promotion.get(oid)
        if promotion is None or not promotion.is_active:
            raise PromotionNotFound()
        return await _out(promotion)

    try:
        page = await pages.PROMOTION_PAGES.model(str(oid), PromotionOut, load)
    except NotFound:
        promotion = await Promotion.get(oid)
        if promotion is None or promotion.owner_id != viewer_id:
            raise
        return await _out(promotion)
    # The cached copy may predate its start or end: the status follows the clock.
    return page.model_copy(update={"status": dated_status(page.start_date, page.end_date)})


async def public_page(promotion_id: str, viewer_id: ObjectId | None) -> PromotionOut:
    """What ``GET /promotions/{id}`` shows; a public view counts for the ranking."""
    page = await get_public(promotion_id, viewer_id)
    if page.is_active:
        await access.record_view("promotion", page.id)
    return page


async def update(
    principal: Principal, promotion_id: str, data: PromotionUpdateIn, client: ClientContext
) -> PromotionOut:
    promotion = await _owned(principal, promotion_id)
    assert promotion.id is not None
    sent = data.model_fields_set
    changes: dict[str, Any] = {}
    unset: dict[str, str] = {}
    for name in ("name", "category"):
        if name in sent:
            value = getattr(data, name)
            if not value:
                raise ValidationFailed.single(name, "This field is required")
            changes.update({name: value, f"{name}_key": search_key(value) or value})
    if "description" in sent:
        changes["description"] = data.description
    if "address" in sent:
        changes.update(address=data.address, address_key=search_key(data.address))
    if "latitude" in sent or "longitude" in sent:
        problems = pair_problems(data.latitude, data.longitude)
        if problems:
            raise ValidationFailed(errors=problems)
        point = point_or_none(data.latitude, data.longitude)
        if point is None:
            unset["geo"] = ""
        else:
            changes["geo"] = point.model_dump()
    if "start_date" in sent or "end_date" in sent:
        start = _moment(data.start_date, end=False) if data.start_date else promotion.start_date
        end = _moment(data.end_date, end=True) if data.end_date else promotion.end_date
        _check_dates(start, end)
        changes.update(start_date=start, end_date=end)
    if "price" in sent or "currency" in sent:
        currency = await currency_code(data.currency) if "currency" in sent else promotion.currency
        if "price" in sent:
            if data.price is None:
                raise ValidationFailed.single("price", "This field is required")
            amount = data.price
        else:
            amount = from_minor(promotion.price_minor, promotion.currency)
        changes.update(price_minor=minor(amount, currency, "price"), currency=currency)
    if "is_active" in sent and data.is_active is not None:
        changes["is_active"] = data.is_active
    old_image = promotion.image
    if "image_id" in sent:
        if data.image_id:
            image = await _attach_image(
                principal.id, promotion.id, changes.get("name", promotion.name), data.image_id
            )
            changes["image"] = image.model_dump()
        else:
            unset["image"] = ""
    changes["updated_at"] = clock.now()
    update_doc: dict[str, Any] = {"$set": changes}
    if unset:
        update_doc["$unset"] = unset
    await Promotion.get_motor_collection().update_one(
        {"_id": promotion.id, "owner_id": principal.id}, update_doc
    )
    if "image_id" in sent and old_image and str(old_image.file_id) != (data.image_id or ""):
        await media.release(old_image.file_id, _use(promotion.id), delete_if_unused=True)
    await pages.promotion_changed(promotion_id=promotion.id)
    await activity.record(
        activity.Actor("user", principal.id),
        "promotion.updated",
        target_type="promotion",
        target_id=promotion.id,
        details={"fields": sorted(sent)},
        ip=client.ip,
    )
    return await _out(await _owned(principal, promotion.id))


async def delete(principal: Principal, promotion_id: str, client: ClientContext) -> None:
    promotion = await _owned(principal, promotion_id)
    result = await Promotion.get_motor_collection().delete_one(
        {"_id": promotion.id, "owner_id": principal.id}
    )
    if result.deleted_count != 1:
        raise PromotionNotFound()
    if promotion.image:
        await media.release(promotion.image.file_id, _use(promotion.id), delete_if_unused=True)
    await pages.promotion_removed(promotion_id=id_of(promotion))
    await activity.record(
        activity.Actor("user", principal.id),
        "promotion.deleted",
        target_type="promotion",
        target_id=promotion.id,
        details={"name": promotion.name},
        ip=client.ip,
    )


async def set_image(
    principal: Principal, promotion_id: str, upload: UploadFile | None
) -> PromotionOut:
    """Multipart ``file``; the previous image is deleted."""
    promotion = await _owned(principal, promotion_id)
    if upload is None or isinstance(upload, str):
        raise ValidationFailed.single("file", "This field is required")
    use = _use(promotion.id, promotion.name)
    file = await media.store_upload(principal.id, "promotion_image", upload, used_by=use)
    assert file.file_url is not None
    image = FileRef(
        file_id=PydanticObjectId(file.id), url=file.file_url, thumbnail_url=file.thumbnail_url
    )
    result = await Promotion.get_motor_collection().update_one(
        {"_id": promotion.id, "owner_id": principal.id},
        {"$set": {"image": image.model_dump(), "updated_at": clock.now()}},
    )
    if result.matched_count != 1:
        await media.delete(file.id)
        raise PromotionNotFound()
    if promotion.image and promotion.image.file_id != image.file_id:
        await media.release(promotion.image.file_id, use, delete_if_unused=True)
    await pages.promotion_changed(promotion_id=id_of(promotion))
    return await _out(await _owned(principal, id_of(promotion)))


async def company_renamed(company_id: ObjectId) -> None:
    """Receiver of ``providers.company_changed``: promotions show the company's name."""
    async for row in Promotion.get_motor_collection().find({"company_id": company_id}, {"_id": 1}):
        await pages.promotion_changed(row["_id"])


async def delete_for_company(company_id: ObjectId) -> None:
    """Receiver of ``providers.company_deleted``: the company's promotions go with it."""
    async for promotion in Promotion.find({"company_id": company_id}):
        await Promotion.get_motor_collection().delete_one({"_id": promotion.id})
        if promotion.image:
            await media.release(promotion.image.file_id, _use(promotion.id), delete_if_unused=True)
        await pages.promotion_removed(promotion_id=promotion.id)


async def erase_owner(owner_id: ObjectId) -> None:
    async for promotion in Promotion.find({"owner_id": owner_id}):
        await Promotion.get_motor_collection().delete_one({"_id": promotion.id})
        await pages.promotion_removed(promotion_id=promotion.id)
