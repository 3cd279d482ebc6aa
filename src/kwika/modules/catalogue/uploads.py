"""Multipart forms and body limits of the routes that take files."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import UploadFile

from kwika.modules import media

MB = 1024 * 1024
OVERHEAD = 1 * MB

# Several images in one request (the rest can follow, or go through /uploads/direct + ids).
SERVICE_BODY_LIMIT = 5 * media.context_rule("service_image").largest + OVERHEAD
KYC_BODY_LIMIT = media.context_rule("kyc_document").largest + OVERHEAD
PROMOTION_IMAGE_LIMIT = media.context_rule("promotion_image").largest + OVERHEAD


@dataclass
class FileForm:
    # Optional so a missing file is a 400 on `file` like any other validation error.
    file: UploadFile | None = None
