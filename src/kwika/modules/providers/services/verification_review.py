"""Verification: the staff review queue (admin issue) — :func:`list_verifications`,
:func:`approve` and :func:`reject` — and the profile's copy of the tracks' states."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock
from kwika.core.errors import ValidationFailed
from kwika.core.ids import id_of, parse_id
from kwika.core.pagination import PageParams
from kwika.core.text import search_key, search_keys
from kwika.modules import activity, identity, notifications
from kwika.modules.providers import pages, signals
from kwika.modules.providers.documents import (
    GuideApplicationDetails,
    GuideInfo,
    ProviderProfile,
    Verification,
)
from kwika.modules.providers.exceptions import (
    VerificationNotFound,
    VerificationReviewed,
)
from kwika.modules.providers.schemas import (
    VerificationOut,
    VerificationsPage,
)
from kwika.modules.providers.services.profiles import find_by_user
from kwika.modules.providers.services.verification_files import (
    LABELS,
    files_out,
    guide_application_out,
)
from kwika.modules.providers.services.views import user_brief


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


async def _verification_out(
    request: Verification, users: dict[str, identity.UserSummary]
) -> VerificationOut:
    user = users.get(str(request.user_id))
    return VerificationOut(
        id=str(request.id),
        kind=request.kind,
        status=request.status,
        user=user_brief(user) if user else None,
        files=await files_out(request.files),
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
