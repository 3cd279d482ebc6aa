"""Verification: the files of a request (stored, claimed, released) and the answers
built from them. Shared by :mod:`.verification` and :mod:`.verification_review`."""

from __future__ import annotations

from collections.abc import Iterable

from beanie import PydanticObjectId
from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.modules import media
from kwika.modules.providers.documents import (
    GuideApplicationDetails,
    Verification,
    VerificationFile,
)
from kwika.modules.providers.schemas import (
    GuideApplicationOut,
    VerificationFileOut,
)
from kwika.modules.providers.services.views import money_text

LABELS: dict[str, str] = {
    "identity": "identity verification",
    "craftsman": "craftsman verification",
    "guide": "guide application",
}


# ---------------------------------------------------------------- files of a request


class Files:
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


async def release_files(
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


# ---------------------------------------------------------------- answers


async def files_out(items: list[VerificationFile]) -> list[VerificationFileOut]:
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
    files = {item.role: item for item in await files_out(request.files)}
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
