"""Provider profiles: becoming a provider, updating the profile, the public page, ratings."""

from __future__ import annotations

from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from kwika.core import access, clock
from kwika.core.auth import ClientContext
from kwika.core.errors import FieldError, NotFound, ValidationFailed
from kwika.core.geo import pair_problems, point_or_none
from kwika.core.ids import parse_id
from kwika.core.text import search_key, search_keys
from kwika.core.tokens import Principal
from kwika.modules import activity, identity, media
from kwika.modules.providers import pages
from kwika.modules.providers.constants import PORTFOLIO_CONTEXTS
from kwika.modules.providers.documents import FileRef, ProviderProfile
from kwika.modules.providers.exceptions import (
    ProviderNotFound,
    ProviderProfileExists,
    ProviderProfileMissing,
    ProviderProfileRequired,
)
from kwika.modules.providers.schemas import ProviderIn, ProviderOut, ProviderUpdateIn
from kwika.modules.providers.services.views import provider_out

GUIDE_KIND_NEEDS_APPROVAL = "Apply to become a guide first (POST /guides/apply)"


async def find_by_user(user_id: ObjectId) -> ProviderProfile | None:
    return await ProviderProfile.find_one({"user_id": user_id})


async def require_profile(user_id: ObjectId) -> ProviderProfile:
    """The caller's profile; 403 ``PROVIDER_PROFILE_REQUIRED`` without one."""
    profile = await find_by_user(user_id)
    if profile is None:
        raise ProviderProfileRequired()
    return profile


async def find_public(profile_id: str | ObjectId) -> ProviderProfile:
    profile = await ProviderProfile.get(parse_id(profile_id, "Provider"))
    if profile is None:
        raise ProviderNotFound()
    return profile


def _check_location(data: Any) -> None:
    problems = pair_problems(data.latitude, data.longitude)
    if problems:
        raise ValidationFailed(errors=problems)


async def _attach_portfolio(
    owner_id: ObjectId,
    profile_id: ObjectId,
    title: str,
    file_ids: list[str],
    already: frozenset[str] = frozenset(),
) -> list[FileRef]:
    """Claim the portfolio images for the profile; on a bad id nothing new stays claimed
    (``already`` are the ids the profile used before)."""
    attached: list[FileRef] = []
    use = ("provider", str(profile_id), title)
    try:
        for file_id in file_ids:
            file = await media.attach(
                file_id, owner_id, use, contexts=PORTFOLIO_CONTEXTS, field="portfolio_ids"
            )
            if file.file_url is None or file.kind != "image":
                raise ValidationFailed.single("portfolio_ids", "Portfolio items must be images")
            attached.append(
                FileRef(
                    file_id=PydanticObjectId(file.id),
                    url=file.file_url,
                    thumbnail_url=file.thumbnail_url,
                )
            )
    except Exception:
        for ref in attached:
            if str(ref.file_id) not in already:
                await media.release(ref.file_id, use)
        raise
    return attached


async def create_profile(
    principal: Principal, data: ProviderIn, client: ClientContext
) -> ProviderOut:
    _check_location(data)
    if await find_by_user(principal.id) is not None:
        raise ProviderProfileExists()
    if "guide" in data.kinds:
        raise ValidationFailed.single("kinds", GUIDE_KIND_NEEDS_APPROVAL)
    user = await identity.get_user_summary(principal.id)
    profile_id = ObjectId()
    portfolio = await _attach_portfolio(
        principal.id, profile_id, user.full_name, data.portfolio_ids
    )
    now = clock.now()
    profile = ProviderProfile(
        id=profile_id,
        user_id=principal.id,
        display_name=user.full_name,
        name_key=search_key(user.full_name) or user.username,
        username=user.username,
        kinds=data.kinds,
        bio=data.bio,
        skills=data.skills,
        skill_keys=search_keys(data.skills),
        district=data.district,
        district_key=search_key(data.district),
        address=data.address,
        geo=point_or_none(data.latitude, data.longitude),
        service_radius_km=data.service_radius_km,
        portfolio=portfolio,
        languages=data.languages,
        language_keys=search_keys(data.languages),
        created_at=now,
        updated_at=now,
    )
    try:
        await profile.insert()
    except DuplicateKeyError:
        for ref in portfolio:
            await media.release(ref.file_id, ("provider", str(profile_id)))
        raise ProviderProfileExists() from None
    await identity.set_account_type(principal.id, "provider")
    await pages.provider_changed(provider_id=profile_id)
    await activity.record(
        activity.Actor("user", principal.id),
        "provider.created",
        target_type="provider",
        target_id=profile_id,
        details={"kinds": data.kinds},
        ip=client.ip,
    )
    return provider_out(profile, user)


async def get_mine(principal: Principal) -> ProviderOut:
    profile = await find_by_user(principal.id)
    if profile is None:
        raise ProviderProfileMissing()
    return provider_out(profile, await identity.get_user_summary(principal.id))


async def get_public(profile_id: str) -> ProviderOut:
    """The public page, from the cache (invalidated whenever the provider changes)."""
    oid = parse_id(profile_id, "Provider")

    async def load() -> ProviderOut:
        profile = await find_public(oid)
        return provider_out(profile, await _active_user(profile), public=True)

    return await pages.PROVIDER_PAGES.model(str(oid), ProviderOut, load)


async def public_page(profile_id: str) -> ProviderOut:
    """What ``GET /providers/{id}`` shows; counts a view for the ranking."""
    page = await get_public(profile_id)
    await access.record_view("provider", page.id)
    return page


async def _active_user(profile: ProviderProfile) -> identity.UserSummary:
    """The profile's user; profiles of suspended or deleted accounts are not shown."""
    try:
        user = await identity.get_user_summary(profile.user_id)
    except NotFound:
        raise ProviderNotFound() from None
    if not user.is_active:
        raise ProviderNotFound()
    return user


_SIMPLE_FIELDS = ("bio", "address", "service_radius_km")


async def update_profile(
    principal: Principal, data: ProviderUpdateIn, client: ClientContext
) -> ProviderOut:
    profile = await find_by_user(principal.id)
    if profile is None:
        raise ProviderProfileMissing()
    assert profile.id is not None
    sent = data.model_fields_set
    _check_location(data)
    user = await identity.get_user_summary(principal.id)
    changes: dict[str, Any] = {
        "display_name": user.full_name,
        "name_key": search_key(user.full_name) or user.username,
        "username": user.username,
    }
    unset: dict[str, str] = {}
    if "kinds" in sent:
        if data.kinds is None:
            raise ValidationFailed.single("kinds", "Choose at least one kind")
        if "guide" in data.kinds and profile.guide is None:
            raise ValidationFailed.single("kinds", GUIDE_KIND_NEEDS_APPROVAL)
        changes["kinds"] = data.kinds
    for name in _SIMPLE_FIELDS:
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
    if "skills" in sent:
        skills = data.skills or []
        changes.update(skills=skills, skill_keys=search_keys(skills))
    if "languages" in sent:
        languages = data.languages or []
        changes.update(languages=languages, language_keys=search_keys(languages))
    if "latitude" in sent or "longitude" in sent:
        point = point_or_none(data.latitude, data.longitude)
        if point is None:
            unset["geo"] = ""
        else:
            changes["geo"] = point.model_dump()
    removed: list[FileRef] = []
    if "portfolio_ids" in sent:
        wanted = data.portfolio_ids or []
        before = frozenset(str(item.file_id) for item in profile.portfolio)
        portfolio = await _attach_portfolio(
            principal.id, profile.id, user.full_name, wanted, before
        )
        changes["portfolio"] = [item.model_dump() for item in portfolio]
        kept = {str(item.file_id) for item in portfolio}
        removed = [item for item in profile.portfolio if str(item.file_id) not in kept]
    changes["updated_at"] = clock.now()
    update: dict[str, Any] = {"$set": changes}
    if unset:
        update["$unset"] = unset
    await ProviderProfile.get_motor_collection().update_one({"_id": profile.id}, update)
    for item in removed:
        await media.release(item.file_id, ("provider", str(profile.id)), delete_if_unused=True)
    await pages.provider_changed(provider_id=profile.id)
    await activity.record(
        activity.Actor("user", principal.id),
        "provider.updated",
        target_type="provider",
        target_id=profile.id,
        details={"fields": sorted(sent)},
        ip=client.ip,
    )
    updated = await ProviderProfile.get(profile.id)
    assert updated is not None
    return provider_out(updated, user)


# ---------------------------------------------------------------- ratings (reviews module)


def _check_stars(value: int | None, field: str) -> None:
    if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
        raise ValidationFailed(errors=[FieldError(field, "A rating is a whole number from 1 to 5")])


async def record_rating(
    profile_id: str | ObjectId, *, add: int | None = None, remove: int | None = None
) -> None:
    """Count a review's stars in the provider's average: ``add`` a new rating, ``remove`` a
    withdrawn one, both when a review is edited. Guarded so the count never goes below zero;
    the average is recomputed from the stored total and count."""
    _check_stars(add, "add")
    _check_stars(remove, "remove")
    oid = parse_id(profile_id, "Provider")
    count_delta = (1 if add else 0) - (1 if remove else 0)
    total_delta = (add or 0) - (remove or 0)
    query: dict[str, Any] = {"_id": oid}
    if remove:
        query["rating_total"] = {"$gte": remove}
        query["rating_count"] = {"$gte": 1}
    collection = ProviderProfile.get_motor_collection()
    updated = await collection.find_one_and_update(
        query,
        {"$inc": {"rating_count": count_delta, "rating_total": total_delta}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        if await collection.count_documents({"_id": oid}, limit=1) == 0:
            raise ProviderNotFound()
        return  # removing a rating that was never counted: nothing to undo
    count, total = updated["rating_count"], updated["rating_total"]
    # Only this exact (count, total) state may write its average: a later change wins.
    await collection.update_one(
        {"_id": oid, "rating_count": count, "rating_total": total},
        {"$set": {"rating_average": (total / count) if count else 0.0}},
    )
    await pages.provider_changed(provider_id=oid)
