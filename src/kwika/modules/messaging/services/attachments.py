"""Message attachments, kept by the media module.

A file reaches a message in one of two ways: a file part of the send form, stored for the
sender by :data:`UPLOADS` (``core.forms`` calls it before the body is validated, so the
field then holds the new file's id), or the id of a file the sender uploaded earlier
(``POST /uploads/direct`` with context ``message_attachment``). Either way the message
claims it with ``media.attach`` (``used_by: ("message", <message id>)``), which checks that
the sender owns it and its context; deleting the message releases it.

Messages store ids only: URLs of private files are signed when a message is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.core.forms import FileField
from kwika.modules import media
from kwika.modules.messaging.constants import (
    ATTACHMENT_CONTEXT,
    MAX_ATTACHMENTS,
    MULTIPART_OVERHEAD,
)
from kwika.modules.messaging.schemas import AttachmentOut, DimensionsOut

USED_BY = "message"


async def _store_part(owner_id: ObjectId, upload: UploadFile, field: str) -> str:
    await media.count_upload(owner_id)  # the same hourly budget as the upload endpoints
    file = await media.store_upload(owner_id, ATTACHMENT_CONTEXT, upload, field=field)
    return file.id


async def _discard(file_id: str) -> None:
    """A refused send: the file it uploaded goes (nothing else can have claimed it yet)."""
    await media.delete(file_id)


UPLOADS = FileField(store=_store_part, discard=_discard, max_files=MAX_ATTACHMENTS)
# Five files of the largest size, plus the other form fields and multipart boundaries.
SEND_BODY_LIMIT = (
    MAX_ATTACHMENTS * media.context_rule(ATTACHMENT_CONTEXT).largest + MULTIPART_OVERHEAD
)


def _use(message_id: ObjectId) -> tuple[str, str]:
    return (USED_BY, str(message_id))


async def claim(owner_id: ObjectId, message_id: ObjectId, file_ids: list[str]) -> None:
    """Claim every file for the message, or none: 404 ``File not found`` for a file that is
    not the sender's (or not ready), 400 on ``attachments.<n>`` for another context."""
    claimed: list[str] = []
    try:
        for n, file_id in enumerate(file_ids):
            await media.attach(
                file_id,
                owner_id,
                _use(message_id),
                contexts=ATTACHMENT_CONTEXT,
                field=f"attachments.{n}",
            )
            claimed.append(file_id)
    except BaseException:
        await release(message_id, claimed, delete_unused=False)
        raise


async def release(
    message_id: ObjectId, file_ids: Iterable[str], *, delete_unused: bool = True
) -> None:
    """The message no longer shows these files; with ``delete_unused`` (a deleted message)
    a file nothing else uses is deleted, otherwise (a message that was never sent) the
    sender keeps it."""
    for file_id in file_ids:
        await media.release(file_id, _use(message_id), delete_if_unused=delete_unused)


async def load(file_ids: Iterable[str]) -> dict[str, media.MediaFile]:
    """The files of some messages, in one query (missing ones are absent)."""
    ids = list(dict.fromkeys(file_ids))
    return await media.get_many(ids) if ids else {}


def out(file_ids: Iterable[str], files: Mapping[str, media.MediaFile]) -> list[AttachmentOut]:
    """What a client needs to show each file; files that no longer exist are left out."""
    shown = []
    for file_id in file_ids:
        file = files.get(file_id)
        if file is None or file.status != "completed":
            continue
        dimensions = (
            DimensionsOut(width=file.dimensions.width, height=file.dimensions.height)
            if file.dimensions
            else None
        )
        shown.append(
            AttachmentOut(
                id=file.id,
                type=file.kind or "document",
                name=file.filename,
                filename=file.filename,
                url=file.file_url,
                file_url=file.file_url,
                thumbnail_url=file.thumbnail_url,
                mime_type=file.content_type,
                content_type=file.content_type,
                size_bytes=file.file_size,
                file_size=file.file_size,
                dimensions=dimensions,
            )
        )
    return shown
