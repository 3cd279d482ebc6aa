"""Documents to response schemas (documents never leave the module)."""

from __future__ import annotations

from kwika.core.geo import coordinates_of
from kwika.core.money import from_minor
from kwika.modules.identity import UserSummary
from kwika.modules.providers.documents import (
    BusinessPhone,
    Company,
    FileRef,
    GuideInfo,
    ProviderProfile,
)
from kwika.modules.providers.schemas import (
    BusinessPhoneOut,
    CompanyOut,
    FileOut,
    GuideInfoOut,
    PhoneOut,
    ProviderOut,
    RatingOut,
    UserBrief,
    VerificationTracksOut,
)

PUBLIC_COORDINATE_DECIMALS = 2  # about 1.1 km: a service area, not a doorstep


def file_out(ref: FileRef) -> FileOut:
    return FileOut(
        file_id=str(ref.file_id), url=ref.url, thumbnail_url=ref.thumbnail_url, caption=ref.caption
    )


def user_brief(summary: UserSummary) -> UserBrief:
    return UserBrief(
        id=summary.id, username=summary.username, full_name=summary.full_name, avatar=summary.avatar
    )


def rating_out(average: float, count: int) -> RatingOut:
    return RatingOut(average=round(average, 2) if count else None, count=count)


def money_text(minor: int | None, currency: str | None) -> str | None:
    if minor is None or currency is None:
        return None
    return format(from_minor(minor, currency), "f")


def guide_out(guide: GuideInfo | None) -> GuideInfoOut | None:
    if guide is None:
        return None
    return GuideInfoOut(
        region=guide.region,
        specializations=guide.specializations,
        years_experience=guide.years_experience,
        hourly_rate=money_text(guide.hourly_rate_minor, guide.currency),
        currency=guide.currency,
        approved_at=guide.approved_at,
    )


def provider_out(
    profile: ProviderProfile, user: UserSummary, *, public: bool = False
) -> ProviderOut:
    latitude, longitude = coordinates_of(profile.geo)
    if public and latitude is not None and longitude is not None:
        latitude = round(latitude, PUBLIC_COORDINATE_DECIMALS)
        longitude = round(longitude, PUBLIC_COORDINATE_DECIMALS)
    return ProviderOut(
        id=str(profile.id),
        user_id=str(profile.user_id),
        user=user_brief(user),
        display_name=profile.display_name,
        kinds=profile.kinds,
        bio=profile.bio,
        skills=profile.skills,
        verified_skills=profile.verified_skills,
        district=profile.district,
        address=None if public else profile.address,
        latitude=latitude,
        longitude=longitude,
        service_radius_km=profile.service_radius_km,
        portfolio=[file_out(item) for item in profile.portfolio],
        languages=profile.languages,
        rating=rating_out(profile.rating_average, profile.rating_count),
        is_verified=profile.is_verified,
        verified_at=profile.verified_at,
        verification=VerificationTracksOut.model_validate(profile.verification.model_dump()),
        guide=guide_out(profile.guide),
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def company_out(company: Company) -> CompanyOut:
    latitude, longitude = coordinates_of(company.geo)
    return CompanyOut(
        id=str(company.id),
        owner_id=str(company.owner_id),
        provider_id=str(company.provider_id),
        name=company.name,
        slogan=company.slogan,
        description=company.description,
        district=company.district,
        address=company.address,
        latitude=latitude,
        longitude=longitude,
        logo=company.logo.url if company.logo else None,
        logo_file=file_out(company.logo) if company.logo else None,
        business_phone=PhoneOut(
            id=str(company.business_phone.id), phone_number=company.business_phone.phone_number
        )
        if company.business_phone
        else None,
        created_at=company.created_at,
        updated_at=company.updated_at,
    )


def business_phone_out(phone: BusinessPhone) -> BusinessPhoneOut:
    return BusinessPhoneOut(
        id=str(phone.id),
        phone_number=phone.phone_number,
        status=phone.status,
        is_verified=phone.status == "verified",
        verified_at=phone.verified_at,
        created_at=phone.created_at,
    )
