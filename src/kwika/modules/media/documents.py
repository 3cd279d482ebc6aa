from __future__ import annotations

from datetime import datetime
from typing import Literal

from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from kwika.core.documents import Timestamped

# pending: upload URL issued, bytes not received · uploaded: bytes received and processed,
# waiting for confirm · completed: ready for use · expired: never received or confirmed
FileStatus = Literal["pending", "uploaded", "completed", "expired"]


class UsedBy(BaseModel):
    """An object that uses a file (``("service", <id>, "Premium Photography")``)."""

    type: str
    id: str
    title: str | None = None


class StoredFile(Timestamped):
    owner_id: PydanticObjectId
    context: str
    context_id: str | None = None
    status: FileStatus
    filename: str  # the client's name, cleaned; only for display and downloads
    # The backend holding the bytes ("local" or "cloudinary"): the file is served, signed
    # and deleted there whatever KWIKA_MEDIA__BACKEND says now. Records written before the
    # field existed were all on the local disk.
    backend: str = "local"
    private: bool
    # Sniffed from the bytes once received; the declared type while pending.
    content_type: str
    format: str | None = None
    kind: Literal["image", "video", "document"] | None = None
    declared_size: int | None = None
    key: str | None = None
    thumbnail_key: str | None = None
    # Stable URLs of public files (private ones are signed on every read).
    url: str | None = None
    thumbnail_url: str | None = None
    file_size: int = 0  # the stored file
    stored_bytes: int = 0  # file + thumbnail: what the quota counts
    width: int | None = None
    height: int | None = None
    used_by: list[UsedBy] = Field(default_factory=list)
    # Deadline to send the bytes (pending) or to confirm (uploaded).
    expires_at: datetime | None = None
    completed_at: datetime | None = None

    class Settings:
        name = "media_files"
        keep_nulls = False
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel(
                [("owner_id", ASCENDING), ("context", ASCENDING), ("created_at", DESCENDING)]
            ),
            IndexModel([("status", ASCENDING), ("expires_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("completed_at", ASCENDING)]),
            IndexModel([("url", ASCENDING)], sparse=True),
            IndexModel([("used_by.type", ASCENDING), ("used_by.id", ASCENDING)]),
            # Start-up counts the files kept on a backend that is not configured.
            IndexModel([("backend", ASCENDING)]),
        ]


class StorageUsage(Document):
    """Bytes each user stores, kept with guarded ``$inc`` so the quota holds under races."""

    id: PydanticObjectId  # the owner's id
    bytes: int = 0
    files: int = 0

    class Settings:
        name = "media_usage"
