"""Media's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from typing import Any

from kwika.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    Gone,
    NotFound,
    ValidationFailed,
)

MB = 1024 * 1024


class FileNotFound(NotFound):
    default_message = "File not found"


class UploadNotFound(NotFound):
    default_message = "Upload not found"


class NotUploadOwner(Forbidden):
    # Seed 003 20.5 answers 403 here (issue 4 keeps it).
    code = "NOT_OWNER"
    default_message = "You can only manage your own uploads"


class InvalidUploadSignature(Forbidden):
    code = "INVALID_SIGNATURE"
    default_message = "This upload link is invalid"


class UploadLinkExpired(Gone):
    code = "UPLOAD_EXPIRED"
    default_message = "This upload link has expired. Request a new one."


class UploadExpired(Gone):
    code = "UPLOAD_EXPIRED"
    default_message = "Upload not found or expired"


class UploadReceived(Conflict):
    code = "UPLOAD_RECEIVED"
    default_message = "This upload has already been received"


class UploadIncomplete(BadRequest):
    code = "UPLOAD_INCOMPLETE"
    default_message = "The file has not been uploaded yet. Send it to the upload URL first."


class FileInUse(BadRequest):
    code = "FILE_IN_USE"
    default_message = "File is in use and cannot be deleted"

    def __init__(self, used_by: list[dict[str, Any]]) -> None:
        super().__init__(data={"used_by": used_by})


class InvalidFileLink(Forbidden):
    code = "INVALID_FILE_LINK"
    default_message = "This file link is invalid or has expired"


class RangeNotSatisfiable(AppError):
    status_code = 416
    code = "RANGE_NOT_SATISFIABLE"
    default_message = "The requested range is outside the file"


class StorageQuotaExceeded(BadRequest):
    code = "STORAGE_QUOTA_EXCEEDED"
    default_message = "Storage quota exceeded. Delete some files and try again."

    def __init__(self, used: int, limit: int, size: int) -> None:
        super().__init__(data={"storage_used": used, "storage_limit": limit, "provided_size": size})


class FileTooLarge(ValidationFailed):
    default_message = "File size exceeds maximum allowed"

    def __init__(self, max_size: int, provided: int, field: str = "file") -> None:
        super().__init__(
            errors=[FieldError(field, f"The file must be at most {max_size // MB} MB")],
            data={"max_size": max_size, "provided_size": provided},
        )


class FileTypeNotAccepted(ValidationFailed):
    default_message = "Invalid file"

    def __init__(self, allowed_labels: str, allowed_types: list[str], field: str = "file") -> None:
        message = f"File type not accepted. Please upload one of: {allowed_labels}"
        super().__init__(errors=[FieldError(field, message)], data={"allowed_types": allowed_types})
