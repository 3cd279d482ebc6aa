"""Companies (seed 000 1.3): a provider's brands. Every read for a write filters on the
owner, so another provider's company is a 404, never a 403."""

from __future__ import annotations

from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId
from litestar.datastructures import UploadFile
from pymongo.errors import DuplicateKeyError

from kwika.core import access, clock
from kwika.core.auth import ClientContext
from kwika.core.errors import ValidationFailed
from kwika.core.geo import pair_problems, point_or_none
from kwika.core.ids import id_of, parse_id
from kwika.core.pagination import Page, PageParams
from kwika.core.text import search_key
from kwika.core.tokens import Principal
from kwika.modules import activity, media
from kwika.modules.providers import pages, signals
from kwika.modules.providers.documents import Company, FileRef
from kwika.modules.providers.exceptions import CompanyNameTaken, CompanyNotFound
from kwika.modules.providers.schemas import CompanyIn, CompanyOut, CompanyUpdateIn
from kwika.modules.providers.services.phones import verified_phone
from kwika.modules.providers.services.profiles import require_profile
from kwika.modules.providers.services.views import company_out


async def owned(owner_id: ObjectId, company_id: str | ObjectId) -> Company:
    """The owner's company; 404 for anyone else's, unknown or malformed ids."""
    company = await Company.find_one({"_id": parse_id(company_id, "Company"), "owner_id": owner_id})
    if company is None:
        raise CompanyNotFound()
    return company


async def find(company_id: str | ObjectId) -> Company:
    company = await Company.get(parse_id(company_id, "Company"))
    if company is None:
        raise CompanyNotFound()
    return company


def _check_location(data: Any) -> None:
    problems = pair_problems(data.latitude, data.longitude)
    if problems:
        raise ValidationFailed(errors=problems)


async def create(principal: Principal, data: CompanyIn, client: ClientContext) -> CompanyOut:
    _check_location(data)
    profile = await require_profile(principal.id)
    assert profile.id is not None
    phone = (
        await verified_phone(principal.id, data.business_phone_id, "business_phone_id")
        if data.business_phone_id
        else None
    )
    name_key = search_key(data.name) or data.name
    if await Company.find_one({"owner_id": principal.id, "name_key": name_key}):
        raise CompanyNameTaken()
    now = clock.now()
    company = Company(
        owner_id=principal.id,
        provider_id=profile.id,
        name=data.name,
        name_key=name_key,
        slogan=data.slogan,
        description=data.description,
        district=data.district,
        district_key=search_key(data.district),
        address=data.address,
        geo=point_or_none(data.latitude, data.longitude),
        business_phone=phone,
        created_at=now,
        updated_at=now,
    )
    try:
        await company.insert()
    except DuplicateKeyError:
        raise CompanyNameTaken() from None
    await pages.company_changed(company_id=id_of(company))
    await activity.record(
        activity.Actor("user", principal.id),
        "company.created",
        target_type="company",
        target_id=company.id,
        details={"name": company.name},
        ip=client.ip,
    )
    return company_out(company)


async def list_mine(principal: Principal, paging: PageParams) -> Page[CompanyOut]:
    query = {"owner_id": principal.id}
    total = await Company.find(query).count()
    companies = (
        await Company.find(query)
        .sort("-created_at", "-_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    return paging.build([company_out(c) for c in companies], total)


async def get_public(company_id: str) -> CompanyOut:
    """The public page, from the cache (invalidated whenever the company changes)."""
    oid = parse_id(company_id, "Company")

    async def load() -> CompanyOut:
        return company_out(await find(oid))

    return await pages.COMPANY_PAGES.model(str(oid), CompanyOut, load)


async def public_page(company_id: str) -> CompanyOut:
    """What ``GET /companies/{id}`` shows; counts a view for the ranking."""
    page = await get_public(company_id)
    await access.record_view("company", page.id)
    return page


_TEXT_FIELDS = ("slogan", "description", "address")


async def update(
    principal: Principal, company_id: str, data: CompanyUpdateIn, client: ClientContext
) -> CompanyOut:
    company = await owned(principal.id, company_id)
    _check_location(data)
    sent = data.model_fields_set
    changes: dict[str, Any] = {}
    unset: dict[str, str] = {}
    if "name" in sent:
        if not data.name:
            raise ValidationFailed.single("name", "A company needs a name")
        name_key = search_key(data.name) or data.name
        clash = await Company.find_one(
            {"owner_id": principal.id, "name_key": name_key, "_id": {"$ne": company.id}}
        )
        if clash:
            raise CompanyNameTaken()
        changes.update(name=data.name, name_key=name_key)
    for name in _TEXT_FIELDS:
        if name in sent:
            value = getattr(data, name)
            if value is None:
                unset[name] = ""
            else:
                changes[name] = value
    if "district" in sent:
        if data.district is None:
            unset.update(district="", district_key="")
        else:
            changes.update(district=data.district, district_key=search_key(data.district))
    if "latitude" in sent or "longitude" in sent:
        point = point_or_none(data.latitude, data.longitude)
        if point is None:
            unset["geo"] = ""
        else:
            changes["geo"] = point.model_dump()
    if "business_phone_id" in sent:
        if data.business_phone_id:
            phone = await verified_phone(principal.id, data.business_phone_id, "business_phone_id")
            changes["business_phone"] = phone.model_dump()
        else:
            unset["business_phone"] = ""
    changes["updated_at"] = clock.now()
    update_doc: dict[str, Any] = {"$set": changes}
    if unset:
        update_doc["$unset"] = unset
    try:
        await Company.get_motor_collection().update_one(
            {"_id": company.id, "owner_id": principal.id}, update_doc
        )
    except DuplicateKeyError:
        raise CompanyNameTaken() from None
    await pages.company_changed(company_id=id_of(company))
    await activity.record(
        activity.Actor("user", principal.id),
        "company.updated",
        target_type="company",
        target_id=company.id,
        details={"fields": sorted(sent)},
        ip=client.ip,
    )
    return company_out(await owned(principal.id, id_of(company)))


async def delete(principal: Principal, company_id: str, client: ClientContext) -> None:
    company = await owned(principal.id, company_id)
    assert company.id is not None
    await signals.company_deletion.enforce(company_id=company.id, owner_id=principal.id)
    result = await Company.get_motor_collection().delete_one(
        {"_id": company.id, "owner_id": principal.id}
    )
    if result.deleted_count != 1:
        raise CompanyNotFound()
    if company.logo:
        await media.delete(company.logo.file_id)
    await pages.company_deleted(company_id=company.id, owner_id=principal.id)
    await activity.record(
        activity.Actor("user", principal.id),
        "company.deleted",
        target_type="company",
        target_id=company.id,
        details={"name": company.name},
        ip=client.ip,
    )


async def set_logo(
    principal: Principal, company_id: str, upload: UploadFile | None, client: ClientContext
) -> CompanyOut:
    """Seed 000 1.3: the logo is stored by media (unique name, designated directory); the
    previous logo file is deleted."""
    company = await owned(principal.id, company_id)
    assert company.id is not None
    if upload is None or isinstance(upload, str):
        raise ValidationFailed.single("file", "This field is required")
    use = ("company", str(company.id), company.name)
    file = await media.store_upload(principal.id, "company_logo", upload, used_by=use)
    assert file.file_url is not None
    logo = FileRef(
        file_id=PydanticObjectId(file.id), url=file.file_url, thumbnail_url=file.thumbnail_url
    )
    result = await Company.get_motor_collection().update_one(
        {"_id": company.id, "owner_id": principal.id},
        {"$set": {"logo": logo.model_dump(), "updated_at": clock.now()}},
    )
    if result.matched_count != 1:  # deleted meanwhile: do not keep an orphan logo
        await media.delete(file.id)
        raise CompanyNotFound()
    if company.logo and company.logo.file_id != logo.file_id:
        await media.release(company.logo.file_id, use, delete_if_unused=True)
    await pages.company_changed(company_id=company.id)
    await activity.record(
        activity.Actor("user", principal.id),
        "company.logo_changed",
        target_type="company",
        target_id=company.id,
        details={"file_id": file.id},
        ip=client.ip,
    )
    return company_out(await owned(principal.id, company.id))


async def erase_owner(owner_id: ObjectId) -> None:
    """Account anonymisation: the person's companies go (media erases their files)."""
    async for company in Company.find({"owner_id": owner_id}):
        await Company.get_motor_collection().delete_one({"_id": company.id})
        await pages.company_deleted(company_id=company.id, owner_id=owner_id)
