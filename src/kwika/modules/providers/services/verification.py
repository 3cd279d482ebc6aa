"""Verification: identity documents (seed 003 21), craftsman skills and certificates (seed
001 2.1, 5.2), guide applications with a resume and a video (seed 002 Task 5).

Each user has at most one request per kind; it is ``pending`` until staff approve
(``verified``) or reject it (``rejected``, with a reason), and a rejected one can be sent
again (``resubmit_count``). The staff review queue (admin issue) calls
:func:`list_verifications`, :func:`approve` and :func:`reject`.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from litestar.datastructures import UploadFile
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.money import MoneyError, normalize_currency, to_minor
from kwika.core.tokens import Principal
from kwika.modules import activity, reference
from kwika.modules.providers.constants import (
    MAX_CRAFTSMAN_DOCUMENTS,
    RESUME_CONTEXTS,
    VERIFICATION_CONTEXTS,
    VIDEO_CONTEXTS,
    VerificationKind,
)
from kwika.modules.providers.documents import (
    GuideApplicationDetails,
    Verification,
)
from kwika.modules.providers.exceptions import (
    CraftsmanRequired,
    NoGuideApplication,
    VerificationApproved,
    VerificationPending,
)
from kwika.modules.providers.schemas import (
    CraftsmanVerificationIn,
    CraftsmanVerificationOut,
    GuideApplicationIn,
    GuideApplicationOut,
    IdentityStatusOut,
    IdentityVerificationIn,
)
from kwika.modules.providers.services.profiles import require_profile
from kwika.modules.providers.services.verification_files import (
    LABELS,
    Files,
    files_out,
    guide_application_out,
    release_files,
)
from kwika.modules.providers.services.verification_review import sync_profile

# ---------------------------------------------------------------- submitting


async def _submit(
    user_id: ObjectId,
    kind: VerificationKind,
    gather: Any,
    fields: dict[str, Any],
) -> Verification:
    """Create the request, or send a rejected one again. ``gather(files)`` adds the files."""
    existing = await Verification.find_one({"user_id": user_id, "kind": kind})
    if existing is not None and existing.status == "pending":
        raise VerificationPending(LABELS[kind])
    if existing is not None and existing.status == "verified":
        raise VerificationApproved(LABELS[kind])
    verification_id = existing.id if existing and existing.id else ObjectId()
    files = Files(user_id, verification_id, kind, existing.files if existing else ())
    now = clock.now()
    try:
        await gather(files)
        if existing is None:
            created = Verification(
                id=verification_id,
                user_id=user_id,
                kind=kind,
                files=files.items,
                submitted_at=now,
                created_at=now,
                updated_at=now,
                **fields,
            )
            try:
                await created.insert()
            except DuplicateKeyError:
                raise VerificationPending(LABELS[kind]) from None
        else:
            result = await Verification.get_motor_collection().update_one(
                {"_id": verification_id, "status": "rejected"},
                {
                    "$set": {
                        "status": "pending",
                        "files": [item.model_dump() for item in files.items],
                        "submitted_at": now,
                        "updated_at": now,
                        **{k: _dump(v) for k, v in fields.items()},
                    },
                    "$unset": {
                        "reviewed_at": "",
                        "reviewed_by": "",
                        "review_notes": "",
                        "rejection_reason": "",
                    },
                    "$inc": {"resubmit_count": 1},
                },
            )
            if result.modified_count != 1:
                raise VerificationPending(LABELS[kind])
    except Exception:
        await files.undo()
        raise
    if existing is not None:
        await release_files(existing.files, verification_id, keep=files.items)
    await sync_profile(user_id)
    saved = await Verification.get(verification_id)
    assert saved is not None
    await activity.record(
        activity.Actor("user", user_id),
        f"verification.{kind}_submitted",
        target_type="verification",
        target_id=verification_id,
        details={"resubmit_count": saved.resubmit_count},
    )
    return saved


def _dump(value: Any) -> Any:
    return value.model_dump() if hasattr(value, "model_dump") else value


async def submit_identity(
    principal: Principal,
    data: IdentityVerificationIn,
    uploads: dict[str, UploadFile | None],
    client: ClientContext,
) -> IdentityStatusOut:
    """Seed 003 21.1: ``id_front`` is required, ``id_back`` and ``selfie`` optional."""
    if uploads.get("id_front") is None and not data.id_front_id:
        raise ValidationFailed(
            "ID front document is required",
            errors=[FieldError("id_front", "ID front document is required")],
        )

    async def gather(files: Files) -> None:
        for role in ("id_front", "id_back", "selfie"):
            file = await files.add(
                role,
                upload=uploads.get(role),
                file_id=getattr(data, f"{role}_id"),
                context="verification_document",
                contexts=VERIFICATION_CONTEXTS,
                field=role,
            )
            if role == "selfie" and file is not None and file.kind != "image":
                raise ValidationFailed.single("selfie", "The selfie must be a photo")

    await _submit(principal.id, "identity", gather, {"notes": data.notes})
    return await identity_status(principal)


async def identity_status(principal: Principal) -> IdentityStatusOut:
    request = await Verification.find_one({"user_id": principal.id, "kind": "identity"})
    if request is None:
        return IdentityStatusOut(
            status="not_submitted", submitted_at=None, verified_at=None, rejection_reason=None
        )
    return IdentityStatusOut(
        status="submitted" if request.status == "pending" else request.status,
        submitted_at=request.submitted_at,
        verified_at=request.reviewed_at if request.status == "verified" else None,
        rejection_reason=request.rejection_reason,
        resubmit_count=request.resubmit_count,
    )


async def submit_craftsman(
    principal: Principal,
    data: CraftsmanVerificationIn,
    uploads: list[UploadFile],
    client: ClientContext,
) -> CraftsmanVerificationOut:
    """Seed 001 5.2: skill tags and certification documents (multipart ``documents`` with
    ``doc_types`` in the same order, or JSON ``documents: [{doc_type, file_id}]``)."""
    profile = await require_profile(principal.id)
    if "craftsman" not in profile.kinds:
        raise CraftsmanRequired()
    total = len(uploads) + len(data.documents)
    if total == 0:
        raise ValidationFailed.single("documents", "Send at least one document")
    if total > MAX_CRAFTSMAN_DOCUMENTS:
        raise ValidationFailed.single(
            "documents", f"Send at most {MAX_CRAFTSMAN_DOCUMENTS} documents"
        )

    async def gather(files: Files) -> None:
        for index, upload in enumerate(uploads):
            doc_type = data.doc_types[index] if index < len(data.doc_types) else "Certificate"
            await files.add(
                "document",
                upload=upload,
                file_id=None,
                context="verification_document",
                contexts=VERIFICATION_CONTEXTS,
                field=f"documents.{index}",
                doc_type=doc_type,
            )
        for index, document in enumerate(data.documents):
            await files.add(
                "document",
                upload=None,
                file_id=document.file_id,
                context="verification_document",
                contexts=VERIFICATION_CONTEXTS,
                field=f"documents.{index}.file_id",
                doc_type=document.doc_type,
            )

    await _submit(principal.id, "craftsman", gather, {"skills": data.skills, "notes": data.notes})
    return await craftsman_status(principal)


async def craftsman_status(principal: Principal) -> CraftsmanVerificationOut:
    request = await Verification.find_one({"user_id": principal.id, "kind": "craftsman"})
    if request is None:
        return CraftsmanVerificationOut(
            id=None,
            status="not_submitted",
            skills=[],
            documents=[],
            notes=None,
            submitted_at=None,
            reviewed_at=None,
            rejection_reason=None,
            resubmit_count=0,
        )
    files = await files_out(request.files)
    return CraftsmanVerificationOut(
        id=str(request.id),
        status=request.status,
        skills=request.skills,
        documents=files,
        notes=request.notes,
        submitted_at=request.submitted_at,
        reviewed_at=request.reviewed_at,
        rejection_reason=request.rejection_reason,
        resubmit_count=request.resubmit_count,
    )


async def currency_code(value: str | None, field: str = "currency") -> str:
    """An active currency (the default one when ``value`` is empty); 400 on ``field``."""
    try:
        code = normalize_currency(value) if value else runtime.get().settings.default_currency
    except MoneyError:
        raise ValidationFailed.single(field, "Unsupported currency") from None
    if code not in await reference.currency_codes():
        raise ValidationFailed.single(field, "Unsupported currency")
    return code


async def minor_units(amount: Any, currency: str, field: str) -> int | None:
    if amount is None:
        return None
    try:
        return to_minor(amount, currency)
    except MoneyError as exc:
        raise ValidationFailed.single(field, str(exc)) from None


async def apply_guide(
    principal: Principal,
    data: GuideApplicationIn,
    resume: UploadFile | None,
    video: UploadFile | None,
    client: ClientContext,
) -> GuideApplicationOut:
    """Seed 002 Task 5: a resume (PDF/DOC/DOCX up to 5 MB) and a video (MP4/WEBM up to
    50 MB), by upload or by id (contexts ``guide_resume`` and ``guide_video``)."""
    problems = []
    if resume is None and not data.resume_id:
        problems.append(FieldError("resume", "A resume (PDF or DOC) is required"))
    if video is None and not data.video_id:
        problems.append(FieldError("video", "An introduction video (MP4 or WEBM) is required"))
    if problems:
        raise ValidationFailed(errors=problems)
    currency = await currency_code(data.currency)
    details = GuideApplicationDetails(
        bio=data.bio,
        region=data.region,
        specializations=data.specializations,
        languages=data.languages,
        years_experience=data.years_experience,
        hourly_rate_minor=await minor_units(data.hourly_rate, currency, "hourly_rate"),
        currency=currency,
        motivation=data.motivation,
    )

    async def gather(files: Files) -> None:
        await files.add(
            "resume",
            upload=resume,
            file_id=data.resume_id,
            context="guide_resume",
            contexts=RESUME_CONTEXTS,
            field="resume" if resume is not None else "resume_id",
        )
        await files.add(
            "video",
            upload=video,
            file_id=data.video_id,
            context="guide_video",
            contexts=VIDEO_CONTEXTS,
            field="video" if video is not None else "video_id",
        )

    saved = await _submit(principal.id, "guide", gather, {"application": details})
    return await guide_application_out(saved)


async def my_guide_application(principal: Principal) -> GuideApplicationOut:
    request = await Verification.find_one({"user_id": principal.id, "kind": "guide"})
    if request is None:
        raise NoGuideApplication()
    return await guide_application_out(request)


async def erase_owner(user_id: ObjectId) -> None:
    """Account anonymisation: the person's requests go (media erases their files)."""
    await Verification.get_motor_collection().delete_many({"user_id": user_id})
