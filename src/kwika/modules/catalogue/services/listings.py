"""Services and experiences (seed 003 module 7, seed 000 1.4, seed 002 Task 6).

One writer for both kinds: an experience is a service of kind ``experience`` whose
request uses seed 002's names (``category``, ``price``); :func:`experience_fields` maps
them. Every query for a write filters on the owner, so another provider's service is 404.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.core import clock
from kwika.core.auth import ClientContext
from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of
from kwika.core.money import MoneyError, from_minor, to_minor
from kwika.core.tokens import Principal
from kwika.modules import activity, identity, media, providers, reference
from kwika.modules.catalogue import pages, signals
from kwika.modules.catalogue.constants import (
    MAX_SERVICE_IMAGES,
)
from kwika.modules.catalogue.documents import (
    KycDocument,
    Package,
    Service,
)
from kwika.modules.catalogue.exceptions import (
    GuideRequired,
    ServiceNotFound,
    ServiceTypeLocked,
)
from kwika.modules.catalogue.schemas import (
    ServiceIn,
    ServiceOut,
    ServiceUpdateIn,
)
from kwika.modules.catalogue.services import images as image_ops
from kwika.modules.catalogue.services.drafts import (
    EXPERIENCE_ERRORS,
    EXPERIENCE_NAMES,
    Draft,
    draft_of,
    experience_fields,
)
from kwika.modules.catalogue.services.listing_guards import (
    categories_in_use,
    company_has_services,
    erase_owner,
    phone_in_use,
    provider_changed,
)
from kwika.modules.catalogue.services.listing_reads import get_mine, list_mine, owned
from kwika.modules.catalogue.services.views import service_out

__all__ = [
    "EXPERIENCE_ERRORS",
    "EXPERIENCE_NAMES",
    "categories_in_use",
    "company_has_services",
    "create",
    "delete",
    "erase_owner",
    "experience_fields",
    "get_mine",
    "list_mine",
    "owned",
    "phone_in_use",
    "provider_changed",
    "update",
]


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
    draft, kind = await draft_of(principal, data, None, renames or {})
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
    draft, _ = await draft_of(principal, data, service, renames or {})
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


async def _check_type_change(service: Service, draft: Draft) -> None:
    """KYC documents answer the requirements of one service type: once any is sent, the
    type stays."""
    new_type = draft.after("service_type_id")
    if new_type == service.service_type_id:
        return
    if await KycDocument.find_one({"service_id": service.id}):
        raise ServiceTypeLocked()


async def _check_currency_change(service: Service, draft: Draft) -> None:
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


async def _after_reference_change(service: Service, draft: Draft) -> None:
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
        await media.release(image.file_id, image_ops.use_of(id_of(service)), delete_if_unused=True)
