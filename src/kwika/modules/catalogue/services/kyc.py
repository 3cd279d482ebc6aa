"""KYC documents of a service (seed 003 7.6-7.9): one document per requirement of the
service's type (reference module), in the formats and size the requirement accepts; staff
approve or reject each (``kyc_review``).
Approved documents cannot be removed or replaced; a rejected one can be sent again
(``resubmit_count``). The service's ``verification_status`` follows its documents."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from litestar.datastructures import UploadFile
from pymongo.errors import DuplicateKeyError

from kwika.core import clock
from kwika.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kwika.core.ids import id_of, parse_id
from kwika.core.tokens import Principal
from kwika.modules import activity, media, reference
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.constants import KYC_CONTEXTS
from kwika.modules.catalogue.documents import KycDocument, Service
from kwika.modules.catalogue.exceptions import (
    KycAlreadySubmitted,
    KycApprovedStays,
    KycDocumentApproved,
    KycDocumentChanged,
    KycDocumentNotFound,
)
from kwika.modules.catalogue.schemas import (
    KycRequirementStatusOut,
    KycResubmitIn,
    KycStatusOut,
    KycSummaryItem,
    KycSummaryOut,
    KycUploadIn,
)
from kwika.modules.catalogue.services.listings import owned

MB = 1024 * 1024


def _use(service: Service) -> tuple[str, str, str]:
    return ("service_kyc", str(service.id), service.title)


async def _let_go(service: Service, file_id: Any, *, delete_if_unused: bool = False) -> None:
    """The service's claim on a file goes, unless one of its KYC documents still names the
    file (the claim is per service: one file may answer several requirements, or be sent
    again for the same one)."""
    if await KycDocument.find_one({"service_id": service.id, "file_id": ObjectId(file_id)}):
        return
    await media.release(file_id, _use(service), delete_if_unused=delete_if_unused)


async def requirements_of(service: Service) -> list[reference.KycRequirementRef]:
    if service.service_type_id is None:
        return []
    try:
        return await reference.kyc_requirements_for(service.service_type_id)
    except NotFound:
        return []


async def documents_by_requirement(service_id: Any) -> dict[str, KycDocument]:
    found = await KycDocument.find({"service_id": service_id}).to_list()
    return {str(document.kyc_requirement_id): document for document in found}


def _labels(formats: list[str]) -> str:
    names = sorted({f.upper().replace("JPEG", "JPG") for f in formats})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


async def _take_file(
    service: Service,
    requirement: reference.KycRequirementRef,
    upload: UploadFile | None,
    file_id: str | None,
) -> media.MediaFile:
    """Store (or claim) the document, then hold it to the requirement's formats and size;
    a file that fails is deleted (or released) again."""
    if upload is not None:
        file = await media.store_upload(
            service.owner_id, "kyc_document", upload, used_by=_use(service), field="document"
        )
        field, stored = "document", True
    elif file_id:
        file = await media.attach(
            file_id, service.owner_id, _use(service), contexts=KYC_CONTEXTS, field="file_id"
        )
        field, stored = "file_id", False
    else:
        raise ValidationFailed(
            "Invalid document", errors=[FieldError("document", "This field is required")]
        )
    problem: ValidationFailed | None = None
    if not file.has_format(requirement.accepted_formats):
        problem = ValidationFailed(
            "Invalid document",
            errors=[
                FieldError(
                    field,
                    "File type not accepted. Please upload a "
                    f"{_labels(requirement.accepted_formats)} file.",
                )
            ],
            data={"accepted_formats": requirement.accepted_formats},
        )
    elif file.file_size > requirement.max_file_size_mb * MB:
        problem = ValidationFailed(
            "File size exceeds maximum allowed",
            errors=[
                FieldError(field, f"The file must be at most {requirement.max_file_size_mb} MB")
            ],
            data={
                "max_size": requirement.max_file_size_mb * MB,
                "provided_size": file.file_size,
            },
        )
    if problem is not None:
        if stored:
            await media.delete(file.id)
        else:
            await _let_go(service, file.id)
        raise problem
    return file


def _requirement(
    requirements: list[reference.KycRequirementRef], requirement_id: str | None
) -> reference.KycRequirementRef:
    if not requirement_id:
        raise ValidationFailed.single("kyc_requirement_id", "This field is required")
    found = next((r for r in requirements if r.id == requirement_id), None)
    if found is None:
        raise ValidationFailed.single(
            "kyc_requirement_id", "This is not a KYC requirement of the service's type"
        )
    return found


def _status_item(
    requirement: reference.KycRequirementRef,
    document: KycDocument | None,
    files: dict[str, media.MediaFile],
) -> KycRequirementStatusOut:
    file = files.get(str(document.file_id)) if document else None
    return KycRequirementStatusOut(
        id=requirement.id,
        kyc_requirement_id=requirement.id,
        document_id=str(document.id) if document else None,
        name=requirement.name,
        description=requirement.description,
        document_type=requirement.document_type,
        is_required=requirement.is_required,
        accepted_formats=requirement.accepted_formats,
        max_file_size_mb=requirement.max_file_size_mb,
        status=document.status if document else "not_submitted",
        document_url=file.file_url if file else None,
        document_name=document.document_name if document else None,
        submitted_at=document.submitted_at if document else None,
        reviewed_at=document.reviewed_at if document else None,
        rejection_reason=document.rejection_reason if document else None,
        notes=document.notes if document else None,
        resubmit_count=document.resubmit_count if document else 0,
    )


async def requirement_items(service: Service) -> list[KycRequirementStatusOut]:
    requirements = await requirements_of(service)
    documents = await documents_by_requirement(service.id)
    files = await media.get_many([d.file_id for d in documents.values()])
    return [_status_item(r, documents.get(r.id), files) for r in requirements]


async def status_of(service: Service) -> KycStatusOut:
    items = await requirement_items(service)
    submitted = [i.submitted_at for i in items if i.submitted_at]
    touched = [i.reviewed_at or i.submitted_at for i in items if i.submitted_at]
    return KycStatusOut(
        service_id=str(service.id),
        overall_status=service.verification_status,
        progress=service.verification_progress,
        submitted_at=min(submitted) if submitted else None,
        last_updated_at=max(t for t in touched if t) if touched else None,
        requirements=items,
    )


async def summary_of(service: Service) -> KycSummaryOut:
    requirements = await requirements_of(service)
    documents = await documents_by_requirement(service.id)
    return KycSummaryOut(
        overall_status=service.verification_status,
        progress=service.verification_progress,
        requirements=[
            KycSummaryItem(
                id=r.id,
                name=r.name,
                status=documents[r.id].status if r.id in documents else "not_submitted",
                submitted_at=documents[r.id].submitted_at if r.id in documents else None,
                reviewed_at=documents[r.id].reviewed_at if r.id in documents else None,
            )
            for r in requirements
        ],
    )


async def refresh(service_id: ObjectId) -> None:
    """Recompute the service's ``verification_status`` and ``verification_progress`` (the
    share of required documents approved)."""
    service = await Service.get(service_id)
    if service is None:
        return
    requirements = await requirements_of(service)
    documents = await documents_by_requirement(service.id)
    required = [r for r in requirements if r.is_required]
    states = {r.id: documents[r.id].status for r in requirements if r.id in documents}
    approved = sum(1 for r in required if states.get(r.id) == "approved")
    if any(states.get(r.id) == "rejected" for r in required):
        status = "rejected"
    elif required and approved == len(required):
        status = "verified"
    elif states:
        status = "pending"
    else:
        status = "unverified"
    progress = round(100 * approved / len(required)) if required else 0
    update: dict[str, Any] = {
        "$set": {"verification_status": status, "verification_progress": progress}
    }
    if status == "verified" and service.verified_at is None:
        update["$set"]["verified_at"] = clock.now()
    elif status != "verified":
        update["$unset"] = {"verified_at": ""}
    await Service.get_motor_collection().update_one({"_id": service.id}, update)
    await pages.service_changed(service_id=id_of(service))


async def get_status(principal: Principal, service_id: str) -> KycStatusOut:
    return await status_of(await owned(principal.id, service_id))


async def upload(
    principal: Principal, service_id: str, data: KycUploadIn, document: UploadFile | None
) -> KycRequirementStatusOut:
    """Seed 003 7.7."""
    service = await owned(principal.id, service_id)
    assert service.id is not None
    if service.service_type_id is None:
        raise ValidationFailed.single(
            "kyc_requirement_id", "Choose the service's type first: its KYC depends on it"
        )
    requirement = _requirement(await requirements_of(service), data.kyc_requirement_id)
    existing = await KycDocument.find_one(
        {"service_id": service.id, "kyc_requirement_id": ObjectId(requirement.id)}
    )
    if existing is not None:
        raise _already(existing)
    file = await _take_file(service, requirement, document, data.file_id)
    record = KycDocument(
        service_id=service.id,
        owner_id=principal.id,
        kyc_requirement_id=ObjectId(requirement.id),
        file_id=ObjectId(file.id),
        document_name=file.filename,
        notes=data.notes,
    )
    try:
        await record.insert()
    except DuplicateKeyError:
        if document is not None:
            await media.delete(file.id)
        else:
            await _let_go(service, file.id)
        raise KycAlreadySubmitted() from None
    await refresh(service.id)
    await activity.record(
        activity.Actor("user", principal.id),
        "service.kyc_submitted",
        target_type="service",
        target_id=service.id,
        details={"kyc_requirement_id": requirement.id},
    )
    return _status_item(requirement, record, {file.id: file})


def _already(existing: KycDocument) -> Conflict:
    if existing.status == "approved":
        return KycDocumentApproved()
    return KycAlreadySubmitted.resubmit_instead(str(existing.id), existing.status)


async def _document(service: Service, kyc_id: str) -> KycDocument:
    """``kyc_id`` is the document id or the requirement id (seed 003 shows the latter)."""
    oid = parse_id(kyc_id, "KYC document")
    document = await KycDocument.find_one(
        {"service_id": service.id, "$or": [{"_id": oid}, {"kyc_requirement_id": oid}]}
    )
    if document is None:
        raise KycDocumentNotFound()
    return document


async def remove(principal: Principal, service_id: str, kyc_id: str) -> None:
    """Seed 003 7.8: an approved document stays (409 ``KYC_DOCUMENT_APPROVED``)."""
    service = await owned(principal.id, service_id)
    document = await _document(service, kyc_id)
    if document.status == "approved":
        raise KycApprovedStays()
    result = await KycDocument.get_motor_collection().delete_one(
        {"_id": document.id, "status": {"$ne": "approved"}}
    )
    if result.deleted_count != 1:
        raise KycApprovedStays()
    await _let_go(service, document.file_id, delete_if_unused=True)
    assert service.id is not None
    await refresh(service.id)


async def resubmit(
    principal: Principal,
    service_id: str,
    kyc_id: str,
    data: KycResubmitIn,
    document_file: UploadFile | None,
) -> KycRequirementStatusOut:
    """Seed 003 7.9: a rejected (or still pending) document replaced by a new file."""
    service = await owned(principal.id, service_id)
    assert service.id is not None
    document = await _document(service, kyc_id)
    if document.status == "approved":
        raise KycDocumentApproved()
    requirement = next(
        (r for r in await requirements_of(service) if r.id == str(document.kyc_requirement_id)),
        None,
    )
    if requirement is None:
        raise KycDocumentNotFound()
    file = await _take_file(service, requirement, document_file, data.file_id)
    now = clock.now()
    fields: dict[str, Any] = {
        "status": "pending",
        "file_id": ObjectId(file.id),
        "document_name": file.filename,
        "submitted_at": now,
        "updated_at": now,
    }
    if "notes" in data.model_fields_set:
        fields["notes"] = data.notes
    result = await KycDocument.get_motor_collection().update_one(
        {"_id": document.id, "status": document.status, "file_id": document.file_id},
        {
            "$set": fields,
            "$inc": {"resubmit_count": 1},
            "$unset": {"reviewed_at": "", "reviewed_by": "", "rejection_reason": ""},
        },
    )
    if result.modified_count != 1:
        if document_file is not None:
            await media.delete(file.id)
        else:
            await _let_go(service, file.id)
        raise KycDocumentChanged()
    # The old file goes unless it was sent again (the same ``file_id``) or answers another
    # requirement too.
    await _let_go(service, document.file_id, delete_if_unused=True)
    await refresh(service.id)
    updated = await KycDocument.get(document.id)
    assert updated is not None
    return _status_item(requirement, updated, {file.id: file})
