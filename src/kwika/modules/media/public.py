"""What other modules may do with files. Documents stay inside media; callers get
:class:`MediaFile` snapshots and keep only the file id (plus, for public files, the URL).

Two ways a module gets a file:

* it receives the multipart upload itself (company logo, promotion image, KYC document):
  ``await media.store_upload(owner_id, "company_logo", upload, used_by=("company", id))``;
* the client uploaded it first (``POST /uploads/direct`` or the signed-URL flow) and sends
  its id: ``await media.attach(file_id, owner_id, ("service", id, title), contexts=...)``.

Either way the object that uses the file is recorded in ``used_by``: a file in use cannot be
deleted by its owner (400 with ``used_by``), and :func:`release` frees it again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from bson import ObjectId
from litestar.datastructures import UploadFile
from pydantic import BaseModel

from kwika.core import ratelimit, runtime
from kwika.core.errors import FieldError, ValidationFailed
from kwika.modules.media import records, service, storage_backends
from kwika.modules.media.contexts import ContextRule, get_rule, rule_of
from kwika.modules.media.documents import StoredFile, UsedBy
from kwika.modules.media.exceptions import FileNotFound
from kwika.modules.media.formats import as_stream, canonical

UseLike = UsedBy | tuple[str, str] | tuple[str, str, str | None]


class Dimensions(BaseModel):
    width: int
    height: int


class MediaFile(BaseModel):
    """A snapshot of one stored file. ``file_url`` of a private file is signed and expires
    (``KWIKA_MEDIA__PRIVATE_URL_TTL_SECONDS``): read it when you answer, do not store it."""

    id: str
    owner_id: str
    context: str
    context_id: str | None
    status: str
    kind: str | None
    format: str | None  # jpg, png, gif, webp, mp4, webm, mov, pdf, doc, docx
    content_type: str
    filename: str
    file_size: int
    file_url: str | None
    thumbnail_url: str | None
    dimensions: Dimensions | None
    private: bool
    used_by: list[UsedBy]
    created_at: datetime

    @classmethod
    def of(cls, file: StoredFile, *, strict: bool = True) -> MediaFile:
        """``strict=False``: a private file whose backend is not configured gets no URLs
        (instead of 503)."""
        file_url, thumbnail_url = records.urls(file, strict=strict)
        return cls(
            id=str(file.id),
            owner_id=str(file.owner_id),
            context=file.context,
            context_id=file.context_id,
            status=records.effective_status(file),
            kind=file.kind,
            format=file.format,
            content_type=file.content_type,
            filename=file.filename,
            file_size=file.file_size,
            file_url=file_url,
            thumbnail_url=thumbnail_url,
            dimensions=Dimensions(width=file.width, height=file.height)
            if file.width and file.height
            else None,
            private=file.private,
            used_by=list(file.used_by),
            created_at=file.created_at,
        )

    def has_format(self, formats: Iterable[str]) -> bool:
        """Whether this file is one of ``formats`` (``"jpeg"`` and ``"jpg"`` are the same),
        e.g. a KYC requirement's ``accepted_formats``."""
        return self.format is not None and self.format in {canonical(f) for f in formats}


def _use(used_by: UseLike) -> UsedBy:
    if isinstance(used_by, UsedBy):
        return used_by
    kind, object_id, *rest = used_by
    return UsedBy(type=kind, id=str(object_id), title=rest[0] if rest else None)


def _oid(value: str | ObjectId) -> ObjectId:
    return value if isinstance(value, ObjectId) else ObjectId(value)


def context_rule(context: str) -> ContextRule:
    """Formats, size limits and privacy of a context (``ModuleSpec.upload_contexts``)."""
    return rule_of(context)


async def store(
    owner_id: str | ObjectId,
    context: str,
    filename: str | None,
    content: bytes | IO[bytes],
    *,
    context_id: str | None = None,
    used_by: UseLike | None = None,
    field: str = "file",
) -> MediaFile:
    """Validate and store a file the caller received itself. Errors are 400s on ``field``
    (wrong type, too large, corrupt image) or 400 ``STORAGE_QUOTA_EXCEEDED``; with
    ``used_by`` the file is claimed at once."""
    stream = as_stream(content)
    file = await service.create_completed(
        _oid(owner_id),
        get_rule(context),
        filename,
        stream,
        context_id=context_id,
        used_by=_use(used_by) if used_by else None,
        field=field,
    )
    return MediaFile.of(file)


async def store_upload(
    owner_id: str | ObjectId,
    context: str,
    upload: UploadFile,
    *,
    context_id: str | None = None,
    used_by: UseLike | None = None,
    field: str = "file",
) -> MediaFile:
    """:func:`store` for a Litestar ``UploadFile`` from a multipart form."""
    return await store(
        owner_id,
        context,
        upload.filename,
        upload.file,
        context_id=context_id,
        used_by=used_by,
        field=field,
    )


async def count_upload(owner_id: str | ObjectId) -> None:
    """Count one upload against the owner's hourly budget (``KWIKA_MEDIA__UPLOADS_PER_HOUR``,
    shared with the upload endpoints); 429 beyond it. For modules that receive files
    themselves from users (chat attachments)."""
    per_hour = runtime.get().settings.media.uploads_per_hour
    await ratelimit.limit(
        "media.upload", str(owner_id), per_hour, 3600, "Too many uploads. Try again later."
    )


async def get(file_id: str | ObjectId) -> MediaFile:
    """404 ``File not found`` for unknown or malformed ids; 503 for a private file whose
    backend is not configured (its URL cannot be signed)."""
    file = await records.find(file_id)
    if file is None:
        raise FileNotFound()
    return MediaFile.of(file)


async def get_many(file_ids: Iterable[str | ObjectId]) -> dict[str, MediaFile]:
    """Several files in one query, keyed by id; unknown ids are absent. A private file
    whose backend is not configured comes without URLs (logged) rather than failing all."""
    return {
        str(file.id): MediaFile.of(file, strict=False) for file in await records.find_many(file_ids)
    }


async def attach(
    file_id: str | ObjectId,
    owner_id: str | ObjectId,
    used_by: UseLike,
    *,
    contexts: Iterable[str] | str | None = None,
    field: str = "file_id",
) -> MediaFile:
    """Claim an uploaded file for an object. 404 (on ``field``'s behalf) unless the file
    exists, belongs to ``owner_id`` and is completed; 400 on ``field`` when its context is
    not one of ``contexts``. Attaching the same object twice is harmless."""
    file = await records.find(file_id)
    if (
        file is None
        or file.id is None
        or file.owner_id != _oid(owner_id)
        or records.effective_status(file) != "completed"
    ):
        raise FileNotFound()
    allowed = {contexts} if isinstance(contexts, str) else set(contexts or ())
    if allowed and file.context not in allowed:
        raise ValidationFailed(
            errors=[
                FieldError(
                    field,
                    f"This file was uploaded as {file.context}, "
                    f"expected {' or '.join(sorted(allowed))}",
                )
            ]
        )
    await records.add_use(file.id, _use(used_by))
    claimed = await records.find(file.id)
    if claimed is None:
        raise FileNotFound()
    return MediaFile.of(claimed, strict=False)


async def release(
    file_id: str | ObjectId, used_by: UseLike, *, delete_if_unused: bool = False
) -> None:
    """The object no longer uses the file; with ``delete_if_unused`` the file goes away
    when nothing else uses it (an image removed from a service). Unknown ids are ignored."""
    file = await records.find(file_id)
    if file is None or file.id is None:
        return
    current = await records.drop_use(file.id, _use(used_by))
    if delete_if_unused and current is not None and not current.used_by:
        # A file whose backend is not configured stays, unclaimed and logged: the
        # caller's change goes through and the owner can delete the file later.
        with contextlib.suppress(storage_backends.BackendUnavailable):
            await service.remove(current)


async def delete(file_id: str | ObjectId) -> bool:
    """Delete a file whatever uses it (the owning object is being deleted). Returns False
    when it was already gone, or when its backend is not configured: then the file stays
    (logged), freed of every use, for its owner or the sweeper to delete later, and the
    caller's own deletion goes through."""
    file = await records.find(file_id)
    return file is not None and await _remove_or_free(file)


async def delete_by_url(url: str, owner_id: str | ObjectId | None = None) -> bool:
    """Delete the public file behind ``url`` (objects that stored a URL, not an id), as
    :func:`delete` does."""
    query: dict[str, object] = {"url": url}
    if owner_id is not None:
        query["owner_id"] = _oid(owner_id)
    file = await StoredFile.find_one(query)
    return file is not None and await _remove_or_free(file)


async def _remove_or_free(file: StoredFile) -> bool:
    try:
        return await service.remove(file)
    except storage_backends.BackendUnavailable:
        assert file.id is not None
        await records.drop_all_uses(file.id)
        return False


async def purge_owner(owner_id: str | ObjectId) -> int:
    """Delete every file of a user (account erasure); returns how many went. Files on a
    backend that is not configured are kept and, once the others are gone, 503
    :class:`BackendUnavailable` is raised so the erasure is retried (it is not finished)."""
    removed = 0
    stranded: str | None = None
    async for file in StoredFile.find({"owner_id": _oid(owner_id)}):
        try:
            if await service.remove(file):
                removed += 1
        except storage_backends.BackendUnavailable as exc:
            stranded = exc.backend
    if stranded is not None:
        raise storage_backends.BackendUnavailable(stranded)
    return removed


async def erase_owner(user_id: ObjectId) -> None:
    """Receiver of ``identity.user_anonymised``: the person's files go with their data."""
    await purge_owner(user_id)
