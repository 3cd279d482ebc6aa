"""Upload use cases behind the HTTP routes: signed upload URLs, confirmation, direct and
seed-002 uploads, listing, deletion, avatars and serving local files."""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.core import clock, runtime
from kwika.core.auth import ClientContext
from kwika.core.errors import (
    FieldError,
    ValidationFailed,
)
from kwika.core.ids import id_of
from kwika.core.pagination import PageParams
from kwika.core.security import BadSignature, SignatureExpired
from kwika.core.tokens import Principal
from kwika.modules import activity, identity
from kwika.modules.media import processing, public, quota, records, service, storage_backends
from kwika.modules.media.contexts import CONTEXTS, ContextRule, get_rule
from kwika.modules.media.documents import StoredFile, UsedBy
from kwika.modules.media.exceptions import (
    FileInUse,
    FileNotFound,
    FileTooLarge,
    InvalidFileLink,
    InvalidUploadSignature,
    NotUploadOwner,
    RangeNotSatisfiable,
    UploadExpired,
    UploadIncomplete,
    UploadLinkExpired,
    UploadNotFound,
    UploadReceived,
)
from kwika.modules.media.formats import FORMATS, Kind, for_content_type
from kwika.modules.media.schemas import (
    ContextOut,
    Dimensions,
    UploadOut,
    UploadRequestIn,
    UploadsPage,
    UploadTicketOut,
    UsedByOut,
)

UPLOAD_TOKEN_PURPOSE = "media-upload"
AVATAR_USE = "user_avatar"
KEY_PATTERN = re.compile(
    r"^(?P<visibility>public|private)/[a-z_]+/\d{4}/\d{2}/[0-9a-f]{32}(?:_thumb)?"
    r"\.(?P<ext>" + "|".join(sorted(FORMATS)) + r")$"
)
SPOOL_BYTES = 1024 * 1024


def to_out(file: StoredFile, *, strict: bool = True) -> UploadOut:
    """``strict=False`` (lists): a private file whose backend is not configured gets no
    URLs instead of failing the whole answer with 503."""
    file_url, thumbnail_url = records.urls(file, strict=strict)
    status = records.effective_status(file)
    file_id = str(file.id)
    return UploadOut(
        id=file_id,
        upload_id=file_id,
        file_id=file_id,
        status=status,
        progress=100 if status in ("uploaded", "completed") else 0,
        file_url=file_url,
        thumbnail_url=thumbnail_url,
        filename=file.filename,
        file_size=file.file_size or (file.declared_size or 0),
        content_type=file.content_type,
        dimensions=Dimensions(width=file.width, height=file.height)
        if file.width and file.height
        else None,
        context=file.context,
        context_id=file.context_id,
        used_by=[UsedByOut.of(use) for use in file.used_by],
        created_at=file.created_at,
        expires_at=file.expires_at if status in ("pending", "uploaded") else None,
    )


async def _count_upload(principal: Principal) -> None:
    await public.count_upload(principal.id)


async def _owned(principal: Principal, upload_id: str) -> StoredFile:
    file = await records.find(upload_id)
    if file is None:
        raise UploadNotFound()
    if file.owner_id != principal.id:
        raise NotUploadOwner()
    return file


# ---------------------------------------------------------------- signed upload URLs


async def request_upload(principal: Principal, data: UploadRequestIn) -> UploadTicketOut:
    rule = get_rule(data.context)
    fmt = for_content_type(data.content_type)
    if fmt is None or not rule.allows(fmt):
        raise ValidationFailed(
            errors=[
                FieldError("content_type", f"Not accepted here. Use one of: {rule.allowed_labels}")
            ],
            data={"allowed_types": rule.allowed_content_types},
        )
    max_size = rule.max_size(fmt.kind)
    if data.size > max_size:
        raise FileTooLarge(max_size, data.size, "size")
    await quota.check_quota(principal.id, data.size)
    await _count_upload(principal)
    ttl = runtime.get().settings.media.upload_url_ttl_seconds
    now = clock.now()
    file = StoredFile(
        owner_id=principal.id,
        context=rule.name,
        context_id=data.context_id,
        status="pending",
        filename=processing.clean_filename(data.filename, f"file.{fmt.name}"),
        backend=storage_backends.storage().name,
        private=rule.private,
        content_type=fmt.content_type,
        declared_size=data.size,
        expires_at=now + timedelta(seconds=ttl),
        created_at=now,
        updated_at=now,
    )
    await file.insert()
    assert file.expires_at is not None
    token = runtime.get().keyring.sign(
        UPLOAD_TOKEN_PURPOSE,
        {"u": str(file.id), "o": str(principal.id), "until": int(file.expires_at.timestamp())},
        ttl,
    )
    base = runtime.get().settings.public_base_url.rstrip("/")
    return UploadTicketOut(
        upload_id=str(file.id),
        upload_url=f"{base}/api/v1/uploads/{file.id}/content?token={token}",
        method="PUT",
        headers={"Content-Type": fmt.content_type},
        expires_at=file.expires_at,
        max_size=max_size,
        allowed_types=rule.allowed_content_types,
    )


def _check_upload_token(upload_id: str, token: str | None) -> ObjectId:
    """The owner id a valid token names for this upload."""
    if not token:
        raise InvalidUploadSignature()
    try:
        payload = runtime.get().keyring.unsign(UPLOAD_TOKEN_PURPOSE, token)
    except SignatureExpired:
        raise UploadLinkExpired() from None
    except BadSignature:
        raise InvalidUploadSignature() from None
    if payload.get("u") != upload_id or not ObjectId.is_valid(str(payload.get("o"))):
        raise InvalidUploadSignature()
    if int(payload.get("until", 0)) < clock.now().timestamp():
        raise UploadLinkExpired()
    return ObjectId(str(payload["o"]))


async def receive(upload_id: str, token: str | None, chunks: AsyncIterator[bytes]) -> UploadOut:
    """The bytes sent to a signed upload URL: validated and stored like any upload; the
    client then confirms with ``POST /uploads/{id}/confirm``."""
    owner_id = _check_upload_token(upload_id, token)
    file = await records.find(upload_id)
    if file is None or file.owner_id != owner_id:
        raise UploadNotFound()
    if file.status != "pending":
        raise UploadReceived()
    if records.effective_status(file) == "expired":
        raise UploadLinkExpired()
    rule = CONTEXTS[file.context]
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        received = 0
        async for chunk in chunks:
            received += len(chunk)
            if received > rule.largest:
                raise FileTooLarge(rule.largest, received)
            spool.write(chunk)
        ingested = await service.ingest(owner_id, rule, spool)
    ttl = runtime.get().settings.media.upload_url_ttl_seconds
    now = clock.now()
    fields = {
        **ingested.fields(),
        "status": "uploaded",
        "updated_at": now,
        "expires_at": now + timedelta(seconds=ttl),  # now the deadline to confirm
    }
    try:
        result = await StoredFile.get_motor_collection().update_one(
            {"_id": file.id, "status": "pending"},
            {"$set": {k: v for k, v in fields.items() if v is not None}},
        )
    except Exception:
        await service.undo(owner_id, ingested, file.private)
        raise
    if result.modified_count != 1:
        # Another request delivered the same upload first: keep theirs.
        await service.undo(owner_id, ingested, file.private)
        raise UploadReceived()
    return to_out(await _reload(file.id))


async def _reload(file_id: Any) -> StoredFile:
    file = await StoredFile.get(file_id)
    if file is None:
        raise UploadNotFound()
    return file


async def confirm(principal: Principal, upload_id: str) -> UploadOut:
    file = await _owned(principal, upload_id)
    status = records.effective_status(file)
    if status == "completed":
        return to_out(file)  # confirming twice is harmless
    if status == "expired":
        raise UploadExpired()
    if status == "pending":
        raise UploadIncomplete()
    now = clock.now()
    await StoredFile.get_motor_collection().update_one(
        {"_id": file.id, "status": "uploaded"},
        {
            "$set": {"status": "completed", "completed_at": now, "updated_at": now},
            "$unset": {"expires_at": ""},
        },
    )
    confirmed = await _reload(file.id)
    if confirmed.status != "completed":  # the sweeper expired it in the meantime
        raise UploadExpired()
    return to_out(confirmed)


# ---------------------------------------------------------------- direct uploads


def _required_file(upload: UploadFile | None, field: str = "file") -> UploadFile:
    if upload is None or isinstance(upload, str):
        raise ValidationFailed.single(field, "This field is required")
    return upload


async def direct(
    principal: Principal,
    context: str | None,
    upload: UploadFile | None,
    *,
    context_id: str | None = None,
    kind: Kind | None = None,
) -> UploadOut:
    upload = _required_file(upload)
    rule = get_rule(context or "")
    if kind is not None:
        rule = _only(rule, kind)
    await _count_upload(principal)
    file = await service.create_completed(
        principal.id, rule, upload.filename, upload.file, context_id=context_id
    )
    return to_out(file)


def _only(rule: ContextRule, kind: Kind) -> ContextRule:
    """The part of a context the seed 002 ``/upload/<kind>`` routes accept."""
    formats = frozenset(name for name in rule.formats if FORMATS[name].kind == kind)
    if not formats:
        raise ValidationFailed.single("context", f"This context does not take a {kind}")
    return replace(rule, formats=formats, limits={kind: rule.limits[kind]})


# ---------------------------------------------------------------- reading + deleting


async def status(principal: Principal, upload_id: str) -> UploadOut:
    return to_out(await _owned(principal, upload_id))


async def delete(principal: Principal, upload_id: str) -> None:
    file = await _owned(principal, upload_id)
    service.ensure_reachable(file)  # 503 and nothing deleted while its backend is missing
    if file.used_by:
        raise FileInUse([use.model_dump() for use in file.used_by])
    # Guarded on "still unused" so a concurrent attach is not lost.
    result = await StoredFile.get_motor_collection().delete_one(
        {"_id": file.id, "used_by": {"$size": 0}}
    )
    if result.deleted_count != 1:
        current = await records.find(id_of(file))
        if current is not None and current.used_by:
            raise FileInUse([use.model_dump() for use in current.used_by])
        return
    await service.discard(file)


async def list_mine(
    principal: Principal, paging: PageParams, context: str | None, content_type: str | None
) -> UploadsPage:
    query: dict[str, Any] = {"owner_id": principal.id}
    if context:
        query["context"] = context
    if content_type:
        query["content_type"] = {"$regex": f"^{re.escape(content_type.strip().lower())}"}
    collection = StoredFile.get_motor_collection()
    total = await collection.count_documents(query)
    cursor = collection.find(query).sort([("created_at", -1), ("_id", -1)])
    raws = await cursor.skip(paging.skip).limit(paging.limit).to_list(paging.limit)
    page = paging.build(
        [to_out(StoredFile.model_validate(raw), strict=False) for raw in raws], total
    )
    return UploadsPage(
        items=page.items,
        pagination=page.pagination,
        storage_used=await quota.storage_used(principal.id),
        storage_limit=quota.quota_bytes(),
    )


def contexts() -> list[ContextOut]:
    return [
        ContextOut(
            name=rule.name,
            description=rule.description,
            allowed_types=rule.allowed_content_types,
            max_size=dict(rule.limits.items()),
            private=rule.private,
        )
        for rule in CONTEXTS.values()
    ]


# ---------------------------------------------------------------- avatars


async def set_profile_picture(
    principal: Principal, upload: UploadFile | None, client: ClientContext
) -> UploadOut:
    """Seed 001 7.2: 400x400, JPG/PNG/GIF/WebP up to 5 MB; the previous picture is deleted."""
    upload = _required_file(upload)
    use = UsedBy(type=AVATAR_USE, id=str(principal.id))
    await _count_upload(principal)
    file = await service.create_completed(
        principal.id, CONTEXTS["avatar"], upload.filename, upload.file, used_by=use
    )
    try:
        previous = await identity.set_avatar(principal.id, file.url)
    except Exception:
        await service.remove(file)
        raise
    if previous and previous != file.url:
        await _retire_avatar(principal.id, previous, use)
    await activity.record(
        activity.Actor("user", principal.id),
        "user.avatar_changed",
        target_type="user",
        target_id=principal.id,
        details={"file_id": str(file.id)},
        ip=client.ip,
    )
    return to_out(file)


async def _retire_avatar(owner_id: ObjectId, url: str, use: UsedBy) -> None:
    """Delete the replaced picture unless something else still uses that file. Pictures
    that are not our files (a Google profile photo) are left alone."""
    old = await StoredFile.find_one({"url": url, "owner_id": owner_id})
    if old is None or old.id is None:
        return
    current = await records.drop_use(old.id, use)
    if current is not None and not current.used_by:
        # The new picture is set already; an old one whose backend is gone stays (logged)
        # as an unclaimed file its owner can delete later.
        with contextlib.suppress(storage_backends.BackendUnavailable):
            await service.remove(current)


# ---------------------------------------------------------------- serving local files

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class ServedFile:
    path: Path
    content_type: str
    disposition: str  # inline | attachment
    filename: str
    private: bool

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def content_disposition(self) -> str:
        quoted = quote(self.filename)
        if quoted == self.filename:
            return f'{self.disposition}; filename="{self.filename}"'
        return f"{self.disposition}; filename*=utf-8''{quoted}"


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The single ``(first, last)`` byte range a ``Range`` header asks for (browsers need
    ranges to play and seek videos); None to send the whole file. Multiple ranges are
    answered with the whole file, which RFC 9110 allows."""
    match = _RANGE.match((header or "").strip())
    if match is None or not (match[1] or match[2]):
        return None
    if match[1]:
        first = int(match[1])
        last = min(int(match[2]), size - 1) if match[2] else size - 1
    else:  # "bytes=-500": the last 500 bytes
        first, last = max(0, size - int(match[2])), size - 1
    if first >= size or first > last:
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    return first, last


async def read_range(path: Path, first: int, last: int) -> AsyncIterator[bytes]:
    """The bytes ``first..last`` of a file, in chunks, without blocking the loop."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


def open_local(key: str, token: str | None) -> ServedFile:
    """A file of the local backend (whichever backend new files go to); private ones need
    the signed token of their URL."""
    backend = storage_backends.local_storage()
    match = KEY_PATTERN.match(key)
    if match is None:
        raise FileNotFound()
    fmt = FORMATS[match["ext"]]
    private = match["visibility"] == "private"
    filename = key.rsplit("/", 1)[-1]
    if private:
        try:
            filename = storage_backends.check_file_token(key, token or "") or filename
        except BadSignature:
            raise InvalidFileLink() from None
    path = backend.path_of(key)
    if path is None or not path.is_file():
        raise FileNotFound()
    return ServedFile(
        path=path,
        content_type=fmt.content_type,
        # Documents are always downloaded, never rendered by the browser.
        disposition="attachment" if fmt.kind == "document" else "inline",
        filename=filename,
        private=private,
    )
