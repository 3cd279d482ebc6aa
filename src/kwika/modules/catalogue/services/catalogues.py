"""Catalogues and categories of a company (seed 000 1.4). Writes first find the company
among the caller's own (providers.get_owned_company), so another provider's company,
catalogue or category is a 404."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import parse_id
from kwika.core.pagination import Page, PageParams
from kwika.core.text import search_key
from kwika.core.tokens import Principal
from kwika.modules import providers
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.documents import Catalogue, Category, Service
from kwika.modules.catalogue.exceptions import (
    CatalogueNameTaken,
    CatalogueNotFound,
    CategoryNameTaken,
    CategoryNotFound,
)
from kwika.modules.catalogue.schemas import (
    CatalogueIn,
    CatalogueOut,
    CatalogueUpdateIn,
    CategoryBulkIn,
    CategoryBulkOut,
    CategoryIn,
    CategoryOut,
    CategoryUpdateIn,
)
from kwika.modules.catalogue.services.views import catalogue_out, category_out


async def owned_catalogue(owner_id: ObjectId, catalogue_id: str | ObjectId) -> Catalogue:
    catalogue = await Catalogue.find_one(
        {"_id": parse_id(catalogue_id, "Catalogue"), "owner_id": owner_id}
    )
    if catalogue is None:
        raise CatalogueNotFound()
    return catalogue


async def owned_category(owner_id: ObjectId, category_id: str | ObjectId) -> Category:
    category = await Category.find_one(
        {"_id": parse_id(category_id, "Category"), "owner_id": owner_id}
    )
    if category is None:
        raise CategoryNotFound()
    return category


async def _count_services(catalogue_ids: list[Any]) -> dict[str, int]:
    if not catalogue_ids:
        return {}
    rows = (
        await Service.get_motor_collection()
        .aggregate(
            [
                {"$match": {"catalogue_id": {"$in": catalogue_ids}}},
                {"$group": {"_id": "$catalogue_id", "count": {"$sum": 1}}},
            ]
        )
        .to_list(None)
    )
    return {str(row["_id"]): row["count"] for row in rows}


async def create_catalogue(
    principal: Principal, company_id: str, data: CatalogueIn
) -> CatalogueOut:
    company = await providers.get_owned_company(principal.id, company_id)
    name_key = search_key(data.name) or data.name
    if await Catalogue.find_one({"company_id": ObjectId(company.id), "name_key": name_key}):
        raise CatalogueNameTaken()
    catalogue = Catalogue(
        owner_id=principal.id,
        company_id=ObjectId(company.id),
        name=data.name,
        name_key=name_key,
        description=data.description,
        is_active=data.is_active,
        display_order=data.display_order,
    )
    try:
        await catalogue.insert()
    except DuplicateKeyError:
        raise CatalogueNameTaken() from None
    return catalogue_out(catalogue)


async def list_catalogues(
    company_id: str, paging: PageParams, viewer_id: ObjectId | None = None
) -> Page[CatalogueOut]:
    """Public: a company's active catalogues in display order; its owner sees the
    switched-off ones too."""
    company = await providers.get_company(company_id)
    query: dict[str, Any] = {"company_id": ObjectId(company.id)}
    if viewer_id is None or str(viewer_id) != company.owner_id:
        query["is_active"] = True
    total = await Catalogue.find(query).count()
    catalogues = (
        await Catalogue.find(query)
        .sort("+display_order", "+created_at", "+_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    counts = await _count_services([c.id for c in catalogues])
    return paging.build([catalogue_out(c, counts.get(str(c.id), 0)) for c in catalogues], total)


async def update_catalogue(
    principal: Principal, catalogue_id: str, data: CatalogueUpdateIn
) -> CatalogueOut:
    catalogue = await owned_catalogue(principal.id, catalogue_id)
    sent = data.model_fields_set
    changes: dict[str, Any] = {}
    if "name" in sent:
        if not data.name:
            raise ValidationFailed.single("name", "A catalogue needs a name")
        name_key = search_key(data.name) or data.name
        clash = await Catalogue.find_one(
            {"company_id": catalogue.company_id, "name_key": name_key, "_id": {"$ne": catalogue.id}}
        )
        if clash:
            raise CatalogueNameTaken()
        changes.update(name=data.name, name_key=name_key)
    if "description" in sent:
        changes["description"] = data.description
    for name in ("is_active", "display_order"):
        if name in sent and getattr(data, name) is not None:
            changes[name] = getattr(data, name)
    changes["updated_at"] = clock.now()
    try:
        await Catalogue.get_motor_collection().update_one(
            {"_id": catalogue.id, "owner_id": principal.id}, {"$set": changes}
        )
    except DuplicateKeyError:
        raise CatalogueNameTaken() from None
    updated = await owned_catalogue(principal.id, catalogue.id)  # type: ignore[arg-type]
    counts = await _count_services([updated.id])
    return catalogue_out(updated, counts.get(str(updated.id), 0))


async def delete_catalogue(principal: Principal, catalogue_id: str) -> None:
    """The catalogue goes; its services stay, outside any catalogue."""
    catalogue = await owned_catalogue(principal.id, catalogue_id)
    await Catalogue.get_motor_collection().delete_one(
        {"_id": catalogue.id, "owner_id": principal.id}
    )
    await _detach_services("catalogue_id", catalogue.id)


async def _detach_services(field: str, value: Any) -> None:
    """Services held by a deleted catalogue or category lose the reference, one guarded
    update each, and every service changed is announced, so its cached public page and
    discovery's listing drop the deleted id too."""
    collection = Service.get_motor_collection()
    async for row in collection.find({field: value}, {"_id": 1}):
        result = await collection.update_one(
            {"_id": row["_id"], field: value},
            {"$unset": {field: ""}, "$set": {"updated_at": clock.now()}},
        )
        if result.modified_count == 1:
            await pages.service_changed(service_id=row["_id"])


# ---------------------------------------------------------------- categories


async def list_categories(company_id: str, paging: PageParams) -> Page[CategoryOut]:
    """Public: a company's categories by name, a page at a time (bulk edits let a company
    have many)."""
    company = await providers.get_company(company_id)
    query = {"company_id": ObjectId(company.id)}
    total = await Category.find(query).count()
    categories = (
        await Category.find(query).sort("+name_key").skip(paging.skip).limit(paging.limit).to_list()
    )
    return paging.build([category_out(c) for c in categories], total)


async def create_category(principal: Principal, company_id: str, data: CategoryIn) -> CategoryOut:
    """One category; a name the company already has (case-insensitively) is 409."""
    company = await providers.get_owned_company(principal.id, company_id)
    name_key = search_key(data.name) or data.name
    if await Category.find_one({"company_id": ObjectId(company.id), "name_key": name_key}):
        raise CategoryNameTaken()
    category = Category(
        owner_id=principal.id,
        company_id=ObjectId(company.id),
        name=data.name,
        name_key=name_key,
        description=data.description,
    )
    try:
        await category.insert()
    except DuplicateKeyError:
        raise CategoryNameTaken() from None
    return category_out(category)


async def update_category(
    principal: Principal, category_id: str, data: CategoryUpdateIn
) -> CategoryOut:
    """Rename or describe a category; renaming to another category's name is 409."""
    category = await owned_category(principal.id, category_id)
    sent = data.model_fields_set
    changes: dict[str, Any] = {"updated_at": clock.now()}
    if "name" in sent:
        if not data.name:
            raise ValidationFailed.single("name", "A category needs a name")
        name_key = search_key(data.name) or data.name
        clash = await Category.find_one(
            {"company_id": category.company_id, "name_key": name_key, "_id": {"$ne": category.id}}
        )
        if clash:
            raise CategoryNameTaken()
        changes.update(name=data.name, name_key=name_key)
    if "description" in sent:
        changes["description"] = data.description
    try:
        await Category.get_motor_collection().update_one(
            {"_id": category.id, "owner_id": principal.id}, {"$set": changes}
        )
    except DuplicateKeyError:
        raise CategoryNameTaken() from None
    return category_out(await owned_category(principal.id, category.id))  # type: ignore[arg-type]


async def bulk_categories(
    principal: Principal, company_id: str, data: CategoryBulkIn
) -> CategoryBulkOut:
    """Seed 000 1.4: create or update many categories at once, matched by name
    (case-insensitively); names repeated in one request are a 400 on the repeat."""
    company = await providers.get_owned_company(principal.id, company_id)
    company_oid = ObjectId(company.id)
    keys: list[str] = []
    problems = []
    for index, item in enumerate(data.categories):
        key = search_key(item.name) or item.name
        if key in keys:
            problems.append(
                FieldError(f"categories.{index}.name", "This name appears twice in the request")
            )
        keys.append(key)
    if problems:
        raise ValidationFailed(errors=problems)
    existing = {
        c.name_key: c
        for c in await Category.find(
            {"company_id": company_oid, "name_key": {"$in": keys}}
        ).to_list()
    }
    now = clock.now()
    collection = Category.get_motor_collection()
    # One upsert per name (each atomic; not bulk_write, which mongomock cannot run with
    # pymongo 4.x operations). The unique (company, name_key) index settles races: a
    # duplicate-key error means another request created the name first, so update it.
    for key, item in zip(keys, data.categories, strict=True):
        # The name's spelling follows the request; an omitted description is kept.
        fields: dict[str, Any] = {"name": item.name, "updated_at": now}
        if "description" in item.model_fields_set:
            fields["description"] = item.description
        selector = {"company_id": company_oid, "name_key": key}
        change = {
            "$set": fields,
            "$setOnInsert": {"owner_id": principal.id, "created_at": now},
        }
        try:
            await collection.update_one(selector, change, upsert=True)
        except DuplicateKeyError:
            await collection.update_one(selector, {"$set": fields})
    saved = {
        c.name_key: c
        for c in await Category.find(
            {"company_id": company_oid, "name_key": {"$in": keys}}
        ).to_list()
    }
    created = [category_out(saved[k]) for k in keys if k not in existing and k in saved]
    updated = [category_out(saved[k]) for k in keys if k in existing and k in saved]
    return CategoryBulkOut(created=created, updated=updated)


async def delete_category(principal: Principal, category_id: str) -> None:
    """The category goes; its services stay, uncategorised."""
    category = await owned_category(principal.id, category_id)
    await Category.get_motor_collection().delete_one({"_id": category.id})
    await _detach_services("category_id", category.id)


async def delete_for_company(company_id: ObjectId) -> None:
    """Receiver of ``providers.company_deleted``."""
    await Catalogue.get_motor_collection().delete_many({"company_id": company_id})
    await Category.get_motor_collection().delete_many({"company_id": company_id})
