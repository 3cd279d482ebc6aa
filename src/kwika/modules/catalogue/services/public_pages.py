"""Public pages of services and experiences (seed 003 9.2): cached, counted, with the
provider and the active packages."""

from __future__ import annotations

from bson import ObjectId

from kwika.core import access
from kwika.core.errors import NotFound
from kwika.core.ids import parse_id
from kwika.modules import providers
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.documents import Service
from kwika.modules.catalogue.exceptions import listing_not_found
from kwika.modules.catalogue.schemas import ServicePageOut, ServiceProviderOut
from kwika.modules.catalogue.services import packages as package_ops
from kwika.modules.catalogue.services.views import service_out


async def _provider_of(provider_id: ObjectId) -> ServiceProviderOut | None:
    try:
        provider = await providers.get_public_provider(provider_id)
    except NotFound:
        return None  # a suspended or erased account: the service shows without it
    return ServiceProviderOut(
        id=provider.id,
        user_id=provider.user_id,
        name=provider.display_name,
        avatar=provider.user.avatar,
        verified=provider.is_verified,
        rating=provider.rating.average,
        review_count=provider.rating.count,
    )


async def public_page(service_id: str, kind: str) -> ServicePageOut:
    """An active service or experience as anyone sees it (with its provider and active
    packages), from the cache (invalidated by every change); counts a view."""
    label = "Experience" if kind == "experience" else "Service"
    oid = parse_id(service_id, label)

    async def load() -> ServicePageOut:
        service = await Service.get(oid)
        if service is None or service.status != "active":
            raise listing_not_found(kind)
        base = await service_out(service)
        offered = [p for p in await package_ops.packages_of(service.id) if p.is_active]
        return ServicePageOut(
            **base.model_dump(), provider=await _provider_of(service.provider_id), packages=offered
        )

    page = await pages.SERVICE_PAGES.model(str(oid), ServicePageOut, load)
    if page.kind != kind:
        raise listing_not_found(kind)
    await access.record_view(kind, page.id)
    return page
