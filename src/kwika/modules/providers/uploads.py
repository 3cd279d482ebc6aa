"""Multipart forms and body limits of the routes that take files."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import UploadFile

from kwika.modules import media

MB = 1024 * 1024
OVERHEAD = 1 * MB

LOGO_BODY_LIMIT = media.context_rule("company_logo").largest + OVERHEAD
IDENTITY_BODY_LIMIT = 3 * media.context_rule("verification_document").largest + OVERHEAD
# Several certificates in one request; more than this goes through /uploads/direct + ids.
CRAFTSMAN_BODY_LIMIT = 5 * media.context_rule("verification_document").largest + OVERHEAD
GUIDE_BODY_LIMIT = (
    media.context_rule("guide_resume").largest
    + media.context_rule("guide_video").largest
    + OVERHEAD
)


@dataclass
class FileForm:
    # Optional so a missing file is a 400 on `file` like any other validation error.
    file: UploadFile | None = None
