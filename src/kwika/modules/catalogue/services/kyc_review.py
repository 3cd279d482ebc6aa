"""Staff review of KYC documents (admin issue: no routes yet, reached through the
catalogue's public API): the queue, one service's submission, approving or rejecting a
document or all pending documents of a service."""

from typing import Any

from bson import ObjectId

from kwika.core import clock
from kwika.core.errors import Conflict, ValidationFailed
from kwika.core.ids import parse_id
from kwika.core.pagination import PageParams
from kwika.modules import activity
from kwika.modules.catalogue.documents import KycDocument, Service
from kwika.modules.catalogue.exceptions import (
    KycAlreadyReviewed,
    KycDocumentNotFound,
    KycNothingPending,
    ServiceNotFound,
)
from kwika.modules.catalogue.schemas import (
    KycQueuePage,
    KycSubmissionOut,
)
from kwika.modules.catalogue.services.kyc import (
    refresh,
    requirement_items,
)


async def _submission(service: Service) -> KycSubmissionOut:
    items = await requirement_items(service)
    submitted = [i.submitted_at for i in items if i.submitted_at]
    return KycSubmissionOut(
        id=str(service.id),
        service_id=str(service.id),
        service_name=service.title,
        status=service.verification_status,
        owner_id=str(service.owner_id),
        submitted_at=min(submitted) if submitted else None,
        files=items,
    )


async def kyc_queue(paging: PageParams, status: str | None = "pending") -> KycQueuePage:
    """Seed 003 admin 20.4 ``GET /admin/kyc``: services by verification state, the ones
    waiting longest first."""
    query: dict[str, Any] = (
        {"verification_status": status}
        if status
        else {"verification_status": {"$ne": "unverified"}}
    )
    total = await Service.find(query).count()
    services = (
        await Service.find(query)
        .sort("+updated_at", "+_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    page = paging.build([await _submission(s) for s in services], total)
    return KycQueuePage(items=page.items, pagination=page.pagination)


async def get_submission(service_id: str) -> KycSubmissionOut:
    service = await Service.get(parse_id(service_id, "Service"))
    if service is None:
        raise ServiceNotFound()
    return await _submission(service)


async def _review_document(
    document_id: str | ObjectId, staff_id: ObjectId, status: str, notes: str | None
) -> KycDocument:
    oid = parse_id(document_id, "KYC document")
    now = clock.now()
    fields: dict[str, Any] = {
        "status": status,
        "reviewed_at": now,
        "reviewed_by": staff_id,
        "updated_at": now,
    }
    if status == "rejected":
        fields["rejection_reason"] = notes
    elif notes:
        fields["review_notes"] = notes
    result = await KycDocument.get_motor_collection().update_one(
        {"_id": oid, "status": "pending"}, {"$set": fields}
    )
    document = await KycDocument.get(oid)
    if document is None:
        raise KycDocumentNotFound()
    if result.modified_count != 1:
        raise KycAlreadyReviewed(document.status)
    await refresh(document.service_id)
    await activity.record(
        activity.Actor("staff", staff_id),
        f"service.kyc_{status}",
        target_type="service",
        target_id=document.service_id,
        details={"document_id": str(oid), "notes": notes},
    )
    return document


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < 3:
        raise ValidationFailed.single("notes", "Give the reason for the rejection")
    return text


async def approve_document(
    document_id: str, staff_id: ObjectId, notes: str | None = None
) -> KycSubmissionOut:
    document = await _review_document(document_id, staff_id, "approved", notes)
    return await get_submission(str(document.service_id))


async def reject_document(document_id: str, staff_id: ObjectId, reason: str) -> KycSubmissionOut:
    document = await _review_document(document_id, staff_id, "rejected", _reason(reason))
    return await get_submission(str(document.service_id))


async def _review_service(
    service_id: str, staff_id: ObjectId, status: str, notes: str | None
) -> KycSubmissionOut:
    service = await Service.get(parse_id(service_id, "Service"))
    if service is None:
        raise ServiceNotFound()
    pending = await KycDocument.find({"service_id": service.id, "status": "pending"}).to_list()
    if not pending:
        raise KycNothingPending()
    for document in pending:
        try:
            await _review_document(document.id, staff_id, status, notes)  # type: ignore[arg-type]
        except Conflict:
            continue  # reviewed by someone else meanwhile
    return await get_submission(str(service.id))


async def approve_service(
    service_id: str, staff_id: ObjectId, notes: str | None = None
) -> KycSubmissionOut:
    """Seed 003 admin ``PUT /admin/kyc/{id}/approve``: every pending document approved."""
    return await _review_service(service_id, staff_id, "approved", notes)


async def reject_service(service_id: str, staff_id: ObjectId, notes: str) -> KycSubmissionOut:
    """Seed 003 admin ``PUT /admin/kyc/{id}/reject`` (notes required)."""
    return await _review_service(service_id, staff_id, "rejected", _reason(notes))
