"""Keeping listings current from what providers and the catalogue announce.

The owning modules send ``*_changed`` / ``*_removed`` signals with ids; these receivers read
the owner's public snapshot and card and upsert (or remove) the listing, so the read model
never holds what the owner would not show: inactive services and switched-off promotions
are removed, profiles of suspended or deleted accounts too (their public page is a 404).
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from kwika.core.errors import NotFound
from kwika.core.module import ListingKindDecl
from kwika.modules import catalogue, providers, reference
from kwika.modules.discovery import listings
from kwika.modules.discovery.documents import ListingProvider
from kwika.modules.discovery.listings import ListingIn
from kwika.modules.discovery.text import place_name

# A description shorter than this says too little to count as filled in
# (short_description is always filled: it defaults to the description's start).
FULL_DESCRIPTION_CHARS = 150


def completeness(*filled: Any) -> float:
    """Share of the profile a client filled in (the ranking's 10 % for completeness)."""
    return round(sum(1 for value in filled if value) / len(filled), 2) if filled else 0.0


def _shown(card: Any) -> ListingProvider:
    """A provider's public page reduced to what result cards show (seed 003 9.1)."""
    return ListingProvider(
        id=card.id,
        user_id=card.user_id,
        name=card.display_name,
        avatar=card.user.avatar,
        verified=card.is_verified,
        rating=card.rating.average,
        review_count=card.rating.count,
    )


async def provider_of(provider_id: Any) -> ListingProvider | None:
    """The provider as result cards show them; None for a suspended or erased account."""
    if not provider_id:
        return None
    try:
        return _shown(await providers.get_public_provider(provider_id))
    except NotFound:
        return None


async def category_labels(category_ids: list[str]) -> dict[str, str]:
    """Names of service categories (reference data's cached lists) for the facets."""
    labels = {}
    for category_id in category_ids:
        try:
            labels[category_id] = (await reference.get_category(category_id)).name
        except NotFound:
            continue  # deleted meanwhile: the facet shows the id without a name
    return labels


async def provider_changed(provider_id: ObjectId) -> None:
    try:
        card = await providers.get_public_provider(provider_id)
        snapshot = await providers.get_provider(provider_id)
    except NotFound:
        await listings.remove("provider", provider_id)
        await listings.set_provider(provider_id, None)
        return
    await listings.set_provider(provider_id, _shown(card))
    offered = await catalogue.categories_in_use(provider_id=snapshot.id)
    await listings.upsert(
        ListingIn(
            kind="provider",
            ref_id=snapshot.id,
            owner_id=snapshot.user_id,
            title=snapshot.display_name,
            description=snapshot.bio or "",
            tags=[*snapshot.languages, *snapshot.guide_specializations],
            skills=snapshot.skills,
            category_ids=offered,
            category_labels=await category_labels(offered),
            provider_kinds=list(snapshot.kinds),
            district=snapshot.district,
            location_text=snapshot.guide_region,
            latitude=snapshot.latitude,
            longitude=snapshot.longitude,
            rating=snapshot.rating_average,
            review_count=snapshot.rating_count,
            verified=snapshot.is_verified,
            completeness=completeness(
                snapshot.bio,
                snapshot.skills,
                snapshot.district,
                snapshot.latitude,
                snapshot.languages,
                card.portfolio,
                card.user.avatar,
            ),
            created_at=snapshot.created_at,
            card=card.model_dump(mode="json"),
        )
    )


async def provider_removed(provider_id: ObjectId) -> None:
    await listings.remove("provider", provider_id)
    await listings.set_provider(provider_id, None)


async def company_changed(company_id: ObjectId) -> None:
    try:
        card = await providers.get_public_company(company_id)
    except NotFound:
        await listings.remove("company", company_id)
        return
    offered = await catalogue.categories_in_use(company_id=card.id)
    await listings.upsert(
        ListingIn(
            kind="company",
            ref_id=card.id,
            owner_id=card.owner_id,
            provider_id=card.provider_id,
            provider=await provider_of(card.provider_id),
            title=card.name,
            description=" ".join(filter(None, [card.slogan, card.description])),
            category_ids=offered,
            category_labels=await category_labels(offered),
            district=card.district,
            location_text=card.address,
            latitude=card.latitude,
            longitude=card.longitude,
            completeness=completeness(
                card.slogan, card.description, card.district, card.latitude, card.logo
            ),
            created_at=card.created_at,
            card=card.model_dump(mode="json"),
        )
    )


async def company_deleted(company_id: ObjectId, owner_id: ObjectId) -> None:
    await listings.remove("company", company_id)


async def service_changed(service_id: ObjectId) -> None:
    try:
        snapshot = await catalogue.get_service(service_id)
    except NotFound:
        return  # deleted meanwhile: service_removed cleans up
    if snapshot.status != "active":
        await listings.remove(snapshot.kind, service_id)
        await _refresh_offerers(snapshot.provider_id, snapshot.company_id)
        return
    card = await catalogue.get_public_service(service_id)
    if snapshot.kind == "experience":
        category_names = [snapshot.experience_category] if snapshot.experience_category else []
    else:
        category_names = [card.service_category.name] if card.service_category else []
    await listings.upsert(
        ListingIn(
            kind=snapshot.kind,
            ref_id=snapshot.id,
            owner_id=snapshot.owner_id,
            provider_id=snapshot.provider_id,
            provider=await provider_of(snapshot.provider_id),
            title=snapshot.title,
            description=card.description,
            tags=[*card.highlights, *card.service_areas, *card.languages],
            category_ids=[snapshot.service_category_id] if snapshot.service_category_id else [],
            category_labels={card.service_category.id: card.service_category.name}
            if card.service_category
            else {},
            category_names=category_names,
            event_type_ids=await reference.event_types_for_category(snapshot.service_category_id)
            if snapshot.service_category_id
            else [],
            type_id=snapshot.service_type_id,
            type_name=card.service_type.name if card.service_type else None,
            district=place_name(snapshot.location),
            location_text=snapshot.location,
            latitude=snapshot.latitude,
            longitude=snapshot.longitude,
            price_min_minor=snapshot.min_price_minor,
            price_max_minor=snapshot.max_price_minor,
            currency=snapshot.currency,
            rating=snapshot.rating_average,
            review_count=snapshot.rating_count,
            verified=snapshot.is_verified,
            available=snapshot.is_available,
            # Seed 003 W6: description length, images, pricing, packages (and a place).
            completeness=completeness(
                len(card.description or "") >= FULL_DESCRIPTION_CHARS,
                card.images,
                snapshot.min_price_minor,
                card.package_count,
                snapshot.latitude,
                card.highlights,
            ),
            created_at=snapshot.created_at,
            card=card.model_dump(mode="json"),
        )
    )
    await _refresh_offerers(snapshot.provider_id, snapshot.company_id)


async def service_removed(service_id: ObjectId, kind: str) -> None:
    listing = await listings.get(kind, service_id)
    await listings.remove(kind, service_id)
    if listing is not None:
        await _refresh_offerers(listing.provider_id, listing.card.get("company_id"))


async def _refresh_offerers(provider_id: Any, company_id: Any) -> None:
    """Providers and companies are found by the categories of what they offer.

    Only those can change with a service (the provider's and company's own changes come
    with their own signals), so their listings are rebuilt only when the categories moved:
    rebuilding them on every service write re-read the provider twice and rewrote every
    listing of theirs.
    """
    if provider_id:
        pid = ObjectId(provider_id)
        offered = await catalogue.categories_in_use(provider_id=pid)
        if await listings.category_ids_of("provider", pid) != offered:
            await provider_changed(pid)
    if company_id:
        cid = ObjectId(company_id)
        offered = await catalogue.categories_in_use(company_id=cid)
        if await listings.category_ids_of("company", cid) != offered:
            await company_changed(cid)


async def promotion_changed(promotion_id: ObjectId) -> None:
    try:
        card = await catalogue.get_public_promotion(promotion_id)
    except NotFound:  # gone, or switched off by its owner
        await listings.remove("promotion", promotion_id)
        return
    snapshot = await catalogue.get_promotion(promotion_id)
    await listings.upsert(
        ListingIn(
            kind="promotion",
            ref_id=snapshot.id,
            owner_id=snapshot.owner_id,
            title=snapshot.name,
            description=card.description or "",
            category_names=[snapshot.category],
            location_text=snapshot.address,
            latitude=snapshot.latitude,
            longitude=snapshot.longitude,
            price_min_minor=snapshot.price_minor,
            currency=snapshot.currency,
            starts_at=snapshot.start_date,
            ends_at=snapshot.end_date,
            completeness=completeness(
                card.description, card.image, snapshot.address, snapshot.latitude
            ),
            created_at=snapshot.created_at,
            card=card.model_dump(mode="json"),
        )
    )


async def promotion_removed(promotion_id: ObjectId) -> None:
    await listings.remove("promotion", promotion_id)


RECEIVERS: list[tuple[Any, Any]] = [
    (providers.signals.provider_changed, provider_changed),
    (providers.signals.provider_removed, provider_removed),
    (providers.signals.company_changed, company_changed),
    (providers.signals.company_deleted, company_deleted),
    (catalogue.signals.service_changed, service_changed),
    (catalogue.signals.service_removed, service_removed),
    (catalogue.signals.promotion_changed, promotion_changed),
    (catalogue.signals.promotion_removed, promotion_removed),
]


# Declared by discovery's own spec (the owners do not know discovery). Order: the order the
# global search and the rebuild take them in.
BUILTIN_KINDS: list[ListingKindDecl] = [
    ListingKindDecl(
        "provider",
        ids=providers.all_provider_ids,
        refresh=provider_changed,
        global_search=True,
        label="providers",
    ),
    ListingKindDecl(
        "company",
        ids=providers.all_company_ids,
        refresh=company_changed,
        global_search=True,
        label="companies",
    ),
    ListingKindDecl(
        "service",
        ids=catalogue.all_service_ids,
        refresh=service_changed,
        global_search=True,
        label="services",
    ),
    # Experiences are services of another kind: the service refresh writes them.
    ListingKindDecl("experience", global_search=True, label="experiences"),
    ListingKindDecl(
        "promotion",
        ids=catalogue.all_promotion_ids,
        refresh=promotion_changed,
        label="promotions",
    ),
]
