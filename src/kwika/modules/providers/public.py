"""What other modules may know about providers and companies: snapshots (never documents)
and a few guarded calls. Discovery builds search and ranking on these; reviews keep ratings
with :func:`record_rating`; the catalogue checks company ownership with
:func:`get_owned_company`; bookings read guide calendars with :func:`availability_on`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime

from bson import ObjectId
from pydantic import BaseModel

from kwika.core.geo import coordinates_of
from kwika.core.ids import parse_id, try_parse_id
from kwika.modules.providers.constants import ProviderKind
from kwika.modules.providers.documents import Company, ProviderProfile
from kwika.modules.providers.exceptions import GuideNotFound
from kwika.modules.providers.schemas import CompanyOut, ProviderOut
from kwika.modules.providers.services import (
    companies,
    guides,
    phones,
    profiles,
    verification_review,
)


class ProviderSnapshot(BaseModel):
    id: str
    user_id: str
    display_name: str
    name_key: str
    username: str
    kinds: list[ProviderKind]
    bio: str | None
    skills: list[str]
    skill_keys: list[str]
    languages: list[str]
    district: str | None
    district_key: str | None
    latitude: float | None
    longitude: float | None
    service_radius_km: float | None
    rating_average: float
    rating_count: int
    is_verified: bool
    guide_region: str | None
    guide_specializations: list[str]
    created_at: datetime

    @classmethod
    def of(cls, profile: ProviderProfile) -> ProviderSnapshot:
        latitude, longitude = coordinates_of(profile.geo)
        return cls(
            id=str(profile.id),
            user_id=str(profile.user_id),
            display_name=profile.display_name,
            name_key=profile.name_key,
            username=profile.username,
            kinds=profile.kinds,
            bio=profile.bio,
            skills=profile.skills,
            skill_keys=profile.skill_keys,
            languages=profile.languages,
            district=profile.district,
            district_key=profile.district_key,
            latitude=latitude,
            longitude=longitude,
            service_radius_km=profile.service_radius_km,
            rating_average=profile.rating_average,
            rating_count=profile.rating_count,
            is_verified=profile.is_verified,
            guide_region=profile.guide.region if profile.guide else None,
            guide_specializations=profile.guide.specializations if profile.guide else [],
            created_at=profile.created_at,
        )


class CompanySnapshot(BaseModel):
    id: str
    owner_id: str
    provider_id: str
    name: str
    name_key: str
    district: str | None
    district_key: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    logo_url: str | None
    created_at: datetime

    @classmethod
    def of(cls, company: Company) -> CompanySnapshot:
        latitude, longitude = coordinates_of(company.geo)
        return cls(
            id=str(company.id),
            owner_id=str(company.owner_id),
            provider_id=str(company.provider_id),
            name=company.name,
            name_key=company.name_key,
            district=company.district,
            district_key=company.district_key,
            address=company.address,
            latitude=latitude,
            longitude=longitude,
            logo_url=company.logo.url if company.logo else None,
            created_at=company.created_at,
        )


class BusinessPhoneRef(BaseModel):
    id: str
    phone_number: str


async def get_provider(provider_id: str | ObjectId) -> ProviderSnapshot:
    """404 ``Provider not found`` for unknown or malformed ids."""
    return ProviderSnapshot.of(await profiles.find_public(provider_id))


async def get_provider_by_user(user_id: str | ObjectId) -> ProviderSnapshot | None:
    oid = user_id if isinstance(user_id, ObjectId) else try_parse_id(user_id)
    profile = await profiles.find_by_user(oid) if oid else None
    return ProviderSnapshot.of(profile) if profile else None


async def get_providers(provider_ids: list[str | ObjectId]) -> dict[str, ProviderSnapshot]:
    """Many at once, keyed by id; unknown ids are absent."""
    oids = [i if isinstance(i, ObjectId) else try_parse_id(i) for i in provider_ids]
    found = await ProviderProfile.find({"_id": {"$in": [o for o in oids if o]}}).to_list()
    return {str(p.id): ProviderSnapshot.of(p) for p in found}


async def get_public_provider(provider_id: str | ObjectId) -> ProviderOut:
    """The public page (``GET /providers/{id}``): what lists may show. 404 for unknown
    profiles and profiles of suspended or deleted accounts."""
    return await profiles.get_public(str(provider_id))


async def get_public_company(company_id: str | ObjectId) -> CompanyOut:
    """The public company page (``GET /companies/{id}``); 404 ``Company not found``."""
    return await companies.get_public(str(company_id))


async def require_provider(user_id: ObjectId) -> ProviderSnapshot:
    """The user's provider profile; 403 ``PROVIDER_PROFILE_REQUIRED`` without one."""
    return ProviderSnapshot.of(await profiles.require_profile(user_id))


async def get_company(company_id: str | ObjectId) -> CompanySnapshot:
    """404 ``Company not found``."""
    return CompanySnapshot.of(await companies.find(company_id))


async def get_companies(company_ids: list[str | ObjectId]) -> dict[str, CompanySnapshot]:
    oids = [i if isinstance(i, ObjectId) else try_parse_id(i) for i in company_ids]
    found = await Company.find({"_id": {"$in": [o for o in oids if o]}}).to_list()
    return {str(c.id): CompanySnapshot.of(c) for c in found}


async def get_owned_company(owner_id: ObjectId, company_id: str | ObjectId) -> CompanySnapshot:
    """The company if ``owner_id`` owns it; 404 ``Company not found`` otherwise (another
    provider's company is indistinguishable from a missing one)."""
    return CompanySnapshot.of(await companies.owned(owner_id, company_id))


async def verified_business_phone(
    owner_id: ObjectId, phone_id: str | ObjectId, field: str = "business_phone_id"
) -> BusinessPhoneRef:
    """A verified business phone of the owner: 404 when not theirs, 400 on ``field`` while
    it is not verified."""
    ref = await phones.verified_phone(owner_id, phone_id, field)
    return BusinessPhoneRef(id=str(ref.id), phone_number=ref.phone_number)


async def record_rating(
    provider_id: str | ObjectId, *, add: int | None = None, remove: int | None = None
) -> None:
    """Reviews: count ``add`` stars (1-5), withdraw ``remove`` stars, or both for an edit.
    Guarded ``$inc``: the count never goes below zero."""
    await profiles.record_rating(provider_id, add=add, remove=remove)


async def availability_on(provider_id: str | ObjectId, days: list[date]) -> dict[date, bool | None]:
    """A guide's calendar for these days: True/False as marked, None when not set. 404 for
    an unknown provider id."""
    parse_id(provider_id, "Guide")
    if await ProviderProfile.find_one({"_id": parse_id(provider_id, "Guide")}) is None:
        raise GuideNotFound()
    return await guides.availability_on(provider_id, days)


# Staff review queue (the admin issue exposes these on /admin routes).
list_verifications = verification_review.list_verifications
get_verification = verification_review.get_verification
approve_verification = verification_review.approve
reject_verification = verification_review.reject


async def all_provider_ids() -> AsyncIterator[ObjectId]:
    """Every provider profile, for rebuilding what other modules derive from them."""
    async for row in ProviderProfile.get_motor_collection().find({}, {"_id": 1}):
        yield row["_id"]


async def all_company_ids() -> AsyncIterator[ObjectId]:
    async for row in Company.get_motor_collection().find({}, {"_id": 1}):
        yield row["_id"]
