"""Guides (seed 002 Task 5): the public list of approved guides, a guide's page, the guide
updating their profile, and their availability calendar."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bson import ObjectId

from kwika.core import clock
from kwika.core.errors import NotFound, ValidationFailed
from kwika.core.ids import id_of, parse_id
from kwika.core.money import from_minor
from kwika.core.pagination import PageParams
from kwika.core.text import search_key, search_keys
from kwika.core.tokens import Principal
from kwika.modules import identity
from kwika.modules.providers import pages
from kwika.modules.providers.constants import (
    AVAILABILITY_HORIZON_DAYS,
    DEFAULT_AVAILABILITY_WINDOW_DAYS,
    MAX_AVAILABILITY_DAYS,
)
from kwika.modules.providers.documents import GuideAvailability, ProviderProfile
from kwika.modules.providers.exceptions import GuideNotFound
from kwika.modules.providers.schemas import (
    AvailabilityDayOut,
    AvailabilityIn,
    AvailabilityOut,
    GuideUpdateIn,
    ProviderOut,
    ProvidersPage,
    SlotOut,
)
from kwika.modules.providers.services.verification import currency_code, minor_units
from kwika.modules.providers.services.views import provider_out


async def _guide(guide_id: str | ObjectId) -> ProviderProfile:
    profile = await ProviderProfile.find_one({"_id": parse_id(guide_id, "Guide"), "kinds": "guide"})
    if profile is None:
        raise GuideNotFound()
    return profile


async def _own_guide(principal: Principal, guide_id: str) -> ProviderProfile:
    """Only the guide edits their page and calendar: anyone else gets a 404."""
    profile = await ProviderProfile.find_one(
        {"_id": parse_id(guide_id, "Guide"), "kinds": "guide", "user_id": principal.id}
    )
    if profile is None:
        raise GuideNotFound()
    return profile


async def list_guides(
    paging: PageParams,
    *,
    region: str | None = None,
    specialization: str | None = None,
    min_rating: float | None = None,
    language: str | None = None,
) -> ProvidersPage:
    """Approved guides, best rated first. ``region`` and ``specialization`` match from the
    start of a word, case-insensitively."""
    query: dict[str, Any] = {"kinds": "guide", "guide": {"$exists": True}}
    if region:
        query["guide.region_key"] = {"$regex": _prefix(region)}
    if specialization:
        query["guide.specialization_keys"] = {"$regex": _prefix(specialization)}
    if language:
        query["language_keys"] = search_key(language)
    if min_rating is not None:
        if not 0 <= min_rating <= 5:
            raise ValidationFailed.single("min_rating", "min_rating is between 0 and 5")
        query["rating_average"] = {"$gte": min_rating}
    total = await ProviderProfile.find(query).count()
    profiles = (
        await ProviderProfile.find(query)
        .sort("-rating_average", "-rating_count", "+_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    users = await identity.get_user_summaries([p.user_id for p in profiles])
    items = [
        provider_out(p, users[str(p.user_id)], public=True)
        for p in profiles
        if str(p.user_id) in users and users[str(p.user_id)].is_active
    ]
    page = paging.build(items, total)
    return ProvidersPage(items=page.items, pagination=page.pagination)


def _prefix(text: str) -> str:
    key = search_key(text) or ""
    return r"(^|\s)" + re.escape(key)


async def get_guide(guide_id: str) -> ProviderOut:
    profile = await _guide(guide_id)
    try:
        user = await identity.get_user_summary(profile.user_id)
    except NotFound:
        raise GuideNotFound() from None
    if not user.is_active:
        raise GuideNotFound()
    return provider_out(profile, user, public=True)


async def update_guide(principal: Principal, guide_id: str, data: GuideUpdateIn) -> ProviderOut:
    profile = await _own_guide(principal, guide_id)
    assert profile.guide is not None
    sent = data.model_fields_set
    changes: dict[str, Any] = {}
    if "bio" in sent:
        changes["bio"] = data.bio
    if "languages" in sent:
        languages = data.languages or []
        changes.update(languages=languages, language_keys=search_keys(languages))
    if "region" in sent:
        changes.update({"guide.region": data.region, "guide.region_key": search_key(data.region)})
    if "specializations" in sent:
        specializations = data.specializations or []
        changes.update(
            {
                "guide.specializations": specializations,
                "guide.specialization_keys": search_keys(specializations),
            }
        )
    if "years_experience" in sent:
        changes["guide.years_experience"] = data.years_experience
    if "hourly_rate" in sent or "currency" in sent:
        currency = await currency_code(data.currency or profile.guide.currency)
        old = profile.guide
        if "hourly_rate" in sent:
            amount = data.hourly_rate
        elif old.hourly_rate_minor is not None and old.currency:
            amount = from_minor(old.hourly_rate_minor, old.currency)  # same rate, new currency
        else:
            amount = None
        minor = await minor_units(amount, currency, "hourly_rate")
        changes.update({"guide.hourly_rate_minor": minor, "guide.currency": currency})
    changes["updated_at"] = clock.now()
    await ProviderProfile.get_motor_collection().update_one(
        {"_id": profile.id, "user_id": principal.id}, {"$set": changes}
    )
    await pages.provider_changed(provider_id=id_of(profile))
    updated = await ProviderProfile.get(profile.id)
    assert updated is not None
    return provider_out(updated, await identity.get_user_summary(principal.id))


# ---------------------------------------------------------------- availability calendar


def _window(start: date | None, end: date | None) -> tuple[date, date]:
    first = start or clock.now().date()
    last = end or first + timedelta(days=DEFAULT_AVAILABILITY_WINDOW_DAYS)
    if last < first:
        raise ValidationFailed.single("to", "`to` must not be before `from`")
    if (last - first).days >= MAX_AVAILABILITY_DAYS:
        raise ValidationFailed.single("to", f"Ask for at most {MAX_AVAILABILITY_DAYS} days")
    return first, last


def _day_out(day: GuideAvailability) -> AvailabilityDayOut:
    return AvailabilityDayOut(
        date=date.fromisoformat(day.date),
        is_available=day.is_available,
        slots=[SlotOut(start=s.start, end=s.end) for s in day.slots],
        note=day.note,
    )


async def _calendar(profile: ProviderProfile, first: date, last: date) -> AvailabilityOut:
    days = (
        await GuideAvailability.find(
            {
                "provider_id": profile.id,
                "date": {"$gte": first.isoformat(), "$lte": last.isoformat()},
            }
        )
        .sort("+date")
        .to_list()
    )
    return AvailabilityOut(
        guide_id=str(profile.id), from_date=first, to_date=last, days=[_day_out(d) for d in days]
    )


async def get_availability(guide_id: str, start: date | None, end: date | None) -> AvailabilityOut:
    profile = await _guide(guide_id)
    first, last = _window(start, end)
    return await _calendar(profile, first, last)


async def set_availability(
    principal: Principal, guide_id: str, data: AvailabilityIn
) -> AvailabilityOut:
    """Upsert the days sent (one document per day); other days are left as they were."""
    profile = await _own_guide(principal, guide_id)
    today = clock.now().date()
    horizon = today + timedelta(days=AVAILABILITY_HORIZON_DAYS)
    for index, day in enumerate(data.dates):
        if day.date < today:
            raise ValidationFailed.single(f"dates.{index}.date", "This day has passed")
        if day.date > horizon:
            raise ValidationFailed.single(
                f"dates.{index}.date", f"Plan at most {AVAILABILITY_HORIZON_DAYS} days ahead"
            )
        if day.slots and not day.is_available:
            raise ValidationFailed.single(
                f"dates.{index}.slots", "An unavailable day has no time slots"
            )
    now = clock.now()
    collection = GuideAvailability.get_motor_collection()
    # One upsert per day (each atomic). Not bulk_write: mongomock's cannot take pymongo
    # 4.x UpdateOne objects, and a bulk is not atomic on MongoDB either.
    for day in data.dates:
        await collection.update_one(
            {"provider_id": profile.id, "date": day.date.isoformat()},
            {
                "$set": {
                    "user_id": principal.id,
                    "is_available": day.is_available,
                    "slots": [slot.model_dump() for slot in day.slots],
                    "note": day.note,
                    "updated_at": now,
                }
            },
            upsert=True,
        )
    dates = sorted(day.date for day in data.dates)
    return await _calendar(profile, dates[0], dates[-1])


async def availability_on(provider_id: str | ObjectId, days: list[date]) -> dict[date, bool | None]:
    """For bookings: whether the guide marked each day available (None: not set)."""
    oid = parse_id(provider_id, "Guide")
    found = await GuideAvailability.find(
        {"provider_id": oid, "date": {"$in": [d.isoformat() for d in days]}}
    ).to_list()
    marked = {entry.date: entry.is_available for entry in found}
    return {day: marked.get(day.isoformat()) for day in days}


async def erase_owner(user_id: ObjectId) -> None:
    await GuideAvailability.get_motor_collection().delete_many({"user_id": user_id})
