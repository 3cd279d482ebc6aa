from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar.datastructures import UploadFile
from pydantic import AliasChoices, Field

from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import RequestSchema, ResponseSchema


class UploadRequestIn(RequestSchema):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=3, max_length=255, description="e.g. image/jpeg")
    size: int = Field(
        gt=0,
        validation_alias=AliasChoices("size", "file_size", "fileSize"),
        description="Size of the file in bytes (also accepted as `file_size`)",
    )
    context: str = Field(description="What the file is for: avatar, event_cover, ...")
    context_id: str | None = Field(default=None, max_length=64)


class UploadTicketOut(ResponseSchema):
    upload_id: str
    upload_url: str = Field(description="Send the bytes here with the method and headers below")
    method: str = "PUT"
    headers: dict[str, str]
    expires_at: datetime
    max_size: int
    allowed_types: list[str]


class Dimensions(ResponseSchema):
    width: int
    height: int


class UsedByOut(ResponseSchema):
    type: str
    id: str
    title: str | None = None


class UploadOut(ResponseSchema):
    """One file. ``id``, ``upload_id`` and ``file_id`` are the same value under the names
    the different clients use."""

    id: str
    upload_id: str
    file_id: str
    status: str = Field(description="pending, uploaded, completed or expired")
    progress: int = Field(description="0 until the bytes arrived, then 100")
    file_url: str | None = Field(
        description="Where to fetch the file; private files get a URL that expires"
    )
    thumbnail_url: str | None
    filename: str
    file_size: int
    content_type: str
    dimensions: Dimensions | None
    context: str
    context_id: str | None
    used_by: list[UsedByOut]
    created_at: datetime
    expires_at: datetime | None = None


class UploadsPage(ResponseSchema):
    items: list[UploadOut]
    pagination: PaginationMeta
    storage_used: int = Field(description="Bytes you store (files and thumbnails)")
    storage_limit: int = Field(description="Your quota in bytes")


class ContextOut(ResponseSchema):
    name: str
    description: str
    allowed_types: list[str]
    max_size: dict[str, int] = Field(description="Largest file in bytes, per kind")
    private: bool


# Multipart forms. Every field is optional here so a missing one is reported by the service
# as a 400 on that field, like any other validation error.


@dataclass
class DirectUploadForm:
    file: UploadFile | None = None
    context: str | None = None
    context_id: str | None = None


@dataclass
class KindUploadForm:
    file: UploadFile | None = None
    context: str | None = None
    context_id: str | None = None


@dataclass
class PictureForm:
    file: UploadFile | None = None
