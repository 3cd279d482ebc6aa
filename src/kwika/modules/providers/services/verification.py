"""Verification: identity documents (seed 003 21), craftsman skills and certificates (seed
001 2.1, 5.2), guide applications with a resume and a video (seed 002 Task 5).

Each user has at most one request per kind; it is ``pending`` until staff approve
(``verified``) or reject it (``rejected``, with a reason), and a rejected one can be sent
again (``resubmit_count``). The staff review queue (admin issue) calls
:func:`list_verifications`, :func:`approve` and :func:`reject`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId
from litestar.datastructures import UploadFile
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.ids import id_of, parse_id
from kwika.core.money import MoneyError, normalize_currency, to_minor
from kwika.core.pagination import PageParams
from kwika.core.text import search_key, search_keys
from kwika.core.tokens import Principal
from kwika.modules import activity, identity, media, notifications, reference
from kwika.modules.providers import pages, signals
from kwika.modules.providers.constants import (
    MAX_CRAFTSMAN_DOCUMENTS,
    RESUME_CONTEXTS,
    VERIFICATION_CONTEXTS,
    VIDEO_CONTEXTS,
    VerificationKind,
)
from kwika.modules.providers.documents import (
    GuideApplicationDetails,
    GuideInfo,
    ProviderProfile,
    Verification,
    VerificationFile,
)
from kwika.modules.providers.exceptions import (
    CraftsmanRequired,
    NoGuideApplication,
    VerificationApproved,
    VerificationNotFound,
    VerificationPending,
    VerificationReviewed,
)
from kwika.modules.providers.schemas import (
    CraftsmanVerificationIn,
    CraftsmanVerificationOut,
    GuideApplicationIn,
    GuideApplicationOut,
    IdentityStatusOut,
    IdentityVerificationIn,
    VerificationFileOut,
    VerificationOut,
    VerificationsPage,
)
from kwika.modules.providers.services.profiles import find_by_user, require_profile
from kwika.modules.providers.services.views import money_text, user_brief

LABELS: dict[str, str] = {
    "identity": "identity verification",
    "craftsman": "craftsman verification",
    "guide": "guide application",
}


# ---------------------------------------------------------------- files of a request


class _Files:
    """Files gathered for one request. Uploads are stored here; ids name files the client
    uploaded before. If the request fails, what was stored is deleted and what was claimed
    is released, except files the request already held (a rejected request sent again
    with some of the same files): their claim was never ours to drop."""

    def __init__(
        self,
        owner_id: ObjectId,
        verification_id: ObjectId,
        kind: str,
        held: Iterable[VerificationFile] = (),
    ) -> None:
        self.owner_id = owner_id
        self.use = ("verification", str(verification_id), LABELS[kind])
        self.items: list[VerificationFile] = []
        self._held = {str(item.file_id) for item in held}
        self._stored: list[str] = []
        self._claimed: list[str] = []

    async def add(
        self,
        role: str,
        *,
        upload: UploadFile | None,
        file_id: str | None,
        context: str,
        contexts: tuple[str, ...],
        field: str,
        doc_type: str | None = None,
    ) -> media.MediaFile | None:
        if upload is not None:
            file = await media.store_upload(
                self.owner_id, context, upload, used_by=self.use, field=field
            )
            self._stored.append(file.id)
        elif file_id:
            file = await media.attach(
                file_id, self.owner_id, self.use, contexts=contexts, field=field
            )
            if file.id not in self._held:
                self._claimed.append(file.id)
        else:
            return None
        self.items.append(
            VerificationFile(
                role=role,
                doc_type=doc_type,
                file_id=PydanticObjectId(file.id),
                filename=file.filename,
            )
        )
        return file

    async def undo(self) -> None:
        for file_id in self._stored:
            await media.delete(file_id)
        for file_id in self._claimed:
            await media.release(file_id, self.use)


async def _release_files(
    files: Iterable[VerificationFile],
    verification_id: ObjectId,
    keep: Iterable[VerificationFile] = (),
) -> None:
    """Let go of ``files`` (deleted unless something else uses them), except those the
    request still holds in ``keep`` (sent again by id)."""
    kept = {item.file_id for item in keep}
    for item in files:
        if item.file_id in kept:
            continue
        await media.release(
            item.file_id, ("verification", str(verification_id)), delete_if_unused=True
        )


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
    files = _Files(user_id, verification_id, kind, existing.files if existing else ())
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
        await _release_files(existing.files, verification_id, keep=files.items)
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


async def sync_profile(user_id: ObjectId) -> bool:
    """Copy the tracks' states onto the provider profile; a provider is verified while any
    track is verified. Returns that flag."""
    requests = await Verification.find({"user_id": user_id}).to_list()
    tracks = {item.kind: item.status for item in requests}
    verified = any(status == "verified" for status in tracks.values())
    profile = await find_by_user(user_id)
    if profile is None:
        return verified
    update: dict[str, Any] = {
        "$set": {
            "verification": {
                kind: tracks.get(kind, "not_submitted")
                for kind in ("identity", "craftsman", "guide")
            },
            "is_verified": verified,
        }
    }
    if verified and profile.verified_at is None:
        update["$set"]["verified_at"] = clock.now()
    elif not verified:
        update["$unset"] = {"verified_at": ""}
    await ProviderProfile.get_motor_collection().update_one({"_id": profile.id}, update)
    await pages.provider_changed(provider_id=id_of(profile))
    return verified


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

    async def gather(files: _Files) -> None:
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

    async def gather(files: _Files) -> None:
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
    files = await _files_out(request.files)
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

    async def gather(files: _Files) -> None:
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


# ---------------------------------------------------------------- answers


async def _files_out(items: list[VerificationFile]) -> list[VerificationFileOut]:
    found = await media.get_many([item.file_id for item in items])
    result = []
    for item in items:
        file = found.get(str(item.file_id))
        result.append(
            VerificationFileOut(
                id=str(item.file_id),
                role=item.role,
                doc_type=item.doc_type,
                filename=item.filename,
                file_url=file.file_url if file else None,
                content_type=file.content_type if file else None,
                file_size=file.file_size if file else None,
                uploaded_at=item.uploaded_at,
            )
        )
    return result


async def guide_application_out(request: Verification) -> GuideApplicationOut:
    details = request.application or GuideApplicationDetails()
    files = {item.role: item for item in await _files_out(request.files)}
    return GuideApplicationOut(
        id=str(request.id),
        user_id=str(request.user_id),
        status=request.status,
        bio=details.bio,
        region=details.region,
        specializations=details.specializations,
        languages=details.languages,
        years_experience=details.years_experience,
        hourly_rate=money_text(details.hourly_rate_minor, details.currency),
        currency=details.currency,
        motivation=details.motivation,
        resume=files.get("resume"),
        video=files.get("video"),
        submitted_at=request.submitted_at,
        reviewed_at=request.reviewed_at,
        rejection_reason=request.rejection_reason,
        resubmit_count=request.resubmit_count,
    )


async def _verification_out(
    request: Verification, users: dict[str, identity.UserSummary]
) -> VerificationOut:
    user = users.get(str(request.user_id))
    return VerificationOut(
        id=str(request.id),
        kind=request.kind,
        status=request.status,
        user=user_brief(user) if user else None,
        files=await _files_out(request.files),
        skills=request.skills,
        application=await guide_application_out(request) if request.kind == "guide" else None,
        notes=request.notes,
        submitted_at=request.submitted_at,
        reviewed_at=request.reviewed_at,
        reviewed_by=str(request.reviewed_by) if request.reviewed_by else None,
        review_notes=request.review_notes,
        rejection_reason=request.rejection_reason,
        resubmit_count=request.resubmit_count,
    )


# ---------------------------------------------------------------- staff review (admin issue)


async def list_verifications(
    paging: PageParams, *, status: str | None = "pending", kind: str | None = None
) -> VerificationsPage:
    """The review queue, oldest submission first. ``status`` None lists every state."""
    query: dict[str, Any] = {}
    if status:
        query["status"] = status
    if kind:
        query["kind"] = kind
    total = await Verification.find(query).count()
    requests = (
        await Verification.find(query)
        .sort("+submitted_at", "+_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    users = await identity.get_user_summaries([r.user_id for r in requests])
    page = paging.build([await _verification_out(r, users) for r in requests], total)
    return VerificationsPage(items=page.items, pagination=page.pagination)


async def get_verification(verification_id: str) -> VerificationOut:
    request = await Verification.get(parse_id(verification_id, "Verification"))
    if request is None:
        raise VerificationNotFound()
    users = await identity.get_user_summaries([request.user_id])
    return await _verification_out(request, users)


async def _decide(
    verification_id: str,
    staff_id: ObjectId,
    status: str,
    notes: str | None,
    reason: str | None,
) -> Verification:
    oid = parse_id(verification_id, "Verification")
    now = clock.now()
    fields: dict[str, Any] = {
        "status": status,
        "reviewed_at": now,
        "reviewed_by": staff_id,
        "updated_at": now,
    }
    if notes:
        fields["review_notes"] = notes
    if reason:
        fields["rejection_reason"] = reason
    result = await Verification.get_motor_collection().update_one(
        {"_id": oid, "status": "pending"}, {"$set": fields}
    )
    request = await Verification.get(oid)
    if request is None:
        raise VerificationNotFound()
    if result.modified_count != 1:
        raise VerificationReviewed(request.status)
    return request


async def approve(
    verification_id: str, staff_id: ObjectId, notes: str | None = None
) -> VerificationOut:
    request = await _decide(verification_id, staff_id, "verified", notes, None)
    if request.kind == "craftsman":
        await ProviderProfile.get_motor_collection().update_one(
            {"user_id": request.user_id}, {"$set": {"verified_skills": request.skills}}
        )
    elif request.kind == "guide":
        await _make_guide(request)
    await _after_decision(request, staff_id)
    return await get_verification(str(request.id))


async def reject(verification_id: str, staff_id: ObjectId, reason: str) -> VerificationOut:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationFailed.single("reason", "Give the reason for the rejection")
    request = await _decide(verification_id, staff_id, "rejected", None, reason)
    await _after_decision(request, staff_id)
    return await get_verification(str(request.id))


async def _make_guide(request: Verification) -> None:
    """An approved application makes the user a guide: the profile (created if needed)
    gets the ``guide`` kind and the application's details."""
    details = request.application or GuideApplicationDetails()
    guide = GuideInfo(
        region=details.region,
        region_key=search_key(details.region),
        specializations=details.specializations,
        specialization_keys=search_keys(details.specializations),
        years_experience=details.years_experience,
        hourly_rate_minor=details.hourly_rate_minor,
        currency=details.currency,
        approved_at=clock.now(),
    )
    profile = await find_by_user(request.user_id)
    if profile is None:
        user = await identity.get_user_summary(request.user_id)
        profile = ProviderProfile(
            user_id=request.user_id,
            display_name=user.full_name,
            name_key=search_key(user.full_name) or user.username,
            username=user.username,
            kinds=["guide"],
            bio=details.bio,
            languages=details.languages,
            language_keys=search_keys(details.languages),
            guide=guide,
        )
        try:
            await profile.insert()
            await identity.set_account_type(request.user_id, "provider")
            return
        except DuplicateKeyError:
            pass  # the user created a profile meanwhile: add the guide kind to it
    await ProviderProfile.get_motor_collection().update_one(
        {"user_id": request.user_id},
        {
            "$set": {"guide": guide.model_dump(), "updated_at": clock.now()},
            "$addToSet": {"kinds": "guide"},
        },
    )


async def _after_decision(request: Verification, staff_id: ObjectId) -> None:
    verified = await sync_profile(request.user_id)
    await activity.record(
        activity.Actor("staff", staff_id),
        f"verification.{request.kind}_{'approved' if request.status == 'verified' else 'rejected'}",
        target_type="verification",
        target_id=request.id,
        details={"user_id": str(request.user_id), "reason": request.rejection_reason},
    )
    await signals.verification_decided.send(
        user_id=request.user_id, kind=request.kind, status=request.status, is_verified=verified
    )
    await _tell_user(request)


async def _tell_user(request: Verification) -> None:
    """Seed 002 Task 5: the user hears of the decision (in-app, and email/push/SMS as their
    notification preferences allow)."""
    approved = request.status == "verified"
    label = LABELS[request.kind]
    if request.kind == "identity" and approved:
        kind, title, message = (
            "identity_verified",
            "Identity verified",
            "Your identity verification was approved.",
        )
    elif approved:
        kind, title = "application_status", f"Your {label} was approved"
        message = f"Your {label} was approved."
    else:
        kind, title = "application_status", f"Your {label} was not approved"
        message = f"Your {label} was not approved: {request.rejection_reason}"
    data: dict[str, Any] = {
        "kind": request.kind,
        "status": "approved" if approved else "rejected",
        "label": label,
    }
    if request.rejection_reason:
        data["reason"] = request.rejection_reason
    await notifications.notify(
        request.user_id,
        kind,
        title,
        message,
        data=data,
        reference_id=request.id,
        reference_type="verification",
    )


async def erase_owner(user_id: ObjectId) -> None:
    """Account anonymisation: the person's requests go (media erases their files)."""
    await Verification.get_motor_collection().delete_many({"user_id": user_id})
