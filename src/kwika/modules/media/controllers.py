"""Uploads (seed 003 module 20, seed 002 Task 13), profile pictures (seed 001 7.2, seed 004
2.4) and the route that serves locally stored files."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody, MultipartBody, QueryParameter
from litestar.response import File, Response, Stream

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.openapi import described
from kwika.core.pagination import Paging
from kwika.modules.media import uploads
from kwika.modules.media.contexts import AVATAR_BODY_LIMIT, MAX_UPLOAD_BYTES, MULTIPART_OVERHEAD
from kwika.modules.media.schemas import (
    ContextOut,
    DirectUploadForm,
    KindUploadForm,
    PictureForm,
    UploadOut,
    UploadRequestIn,
    UploadsPage,
    UploadTicketOut,
)

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]
UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
TAGS = ["Uploads"]


class UploadsController(Controller):
    path = "/uploads"
    tags = TAGS
    guards = [require_user]
    security = BEARER

    @get(summary="My uploads", responses=errors(401))
    async def list_uploads(
        self,
        principal: CurrentPrincipal,
        paging: Paging,
        context: Annotated[str | None, QueryParameter(description="Only this context")] = None,
        content_type: Annotated[
            str | None, QueryParameter(description='MIME type prefix, e.g. "image/"')
        ] = None,
    ) -> Envelope[UploadsPage]:
        # Seed 003 20.6.
        """Newest first, with the bytes you store (`storage_used`, files and
        thumbnails) and your quota (`storage_limit`)."""
        return ok(
            await uploads.list_mine(principal, paging, context, content_type),
            "Uploads retrieved successfully",
        )

    @get("/contexts", summary="Upload contexts", responses=errors(401))
    async def list_contexts(self) -> Envelope[list[ContextOut]]:
        """Every `context` an upload can name, with its accepted MIME types, the largest
        file per kind in bytes, and whether its files are private (signed, expiring URLs)."""
        return ok(uploads.contexts(), "Upload contexts retrieved successfully")

    @post("/request", summary="Get a signed upload URL", responses=errors(401, 429))
    async def request_upload(
        self, principal: CurrentPrincipal, data: JSONBody[UploadRequestIn]
    ) -> Envelope[UploadTicketOut]:
        # Seed 003 20.1.
        """Declares a file; answers a one-time `upload_url` (valid until
        `expires_at`) to which you send the raw bytes with the given `method` and `headers`,
        then call `POST /uploads/{upload_id}/confirm`. A declared size above the context's
        limit is a 400 with `data.max_size` and `data.provided_size`; a size that would
        exceed your quota is 400 `STORAGE_QUOTA_EXCEEDED`."""
        return ok(await uploads.request_upload(principal, data), "Upload URL generated")

    @post(
        "/direct",
        summary="Upload a file",
        request_max_body_size=UPLOAD_BODY_LIMIT,
        responses=errors(401, 413, 429),
    )
    async def direct_upload(
        self, principal: CurrentPrincipal, data: MultipartBody[DirectUploadForm]
    ) -> Envelope[UploadOut]:
        # Seed 003 20.3.
        """Multipart `file`, `context` and optional `context_id`. The type is
        read from the file's content (not its name); images are re-encoded without EXIF,
        resized for the context and get a thumbnail. Wrong type, too large or corrupt files
        are 400s on `file`."""
        return ok(
            await uploads.direct(principal, data.context, data.file, context_id=data.context_id),
            "File uploaded successfully",
        )

    @get("/{upload_id:str}", summary="Upload status", responses=errors(401, 403, 404))
    async def upload_status(
        self, principal: CurrentPrincipal, upload_id: FromPath[str]
    ) -> Envelope[UploadOut]:
        # Seed 003 20.4.
        """`pending` (waiting for the bytes), `uploaded` (waiting for
        confirmation), `completed` or `expired`. Private files get a fresh signed
        `file_url` on every call. Another user's upload is 403."""
        return ok(await uploads.status(principal, upload_id), "Upload status retrieved")

    @post(
        "/{upload_id:str}/confirm",
        status_code=200,
        summary="Confirm an upload",
        responses=errors(401, 403, 404, 410),
    )
    async def confirm_upload(
        self, principal: CurrentPrincipal, upload_id: FromPath[str]
    ) -> Envelope[UploadOut]:
        # Seed 003 20.2.
        """After sending the bytes to the upload URL. 400 `UPLOAD_INCOMPLETE`
        if they have not arrived, 410 `UPLOAD_EXPIRED` past the deadline. Confirming twice
        answers the same file."""
        return ok(await uploads.confirm(principal, upload_id), "Upload confirmed")

    @delete(
        "/{upload_id:str}",
        status_code=200,
        summary="Delete an upload",
        responses=errors(401, 403, 404),
    )
    async def delete_upload(
        self, principal: CurrentPrincipal, upload_id: FromPath[str]
    ) -> Envelope[None]:
        # Seed 003 20.5.
        """403 for another user's file; 400 `FILE_IN_USE` with
        `data.used_by` (`[{type, id, title}]`) while something uses it."""
        await uploads.delete(principal, upload_id)
        return ok(None, "File deleted successfully")


class UploadContentController(Controller):
    """The target of signed upload URLs: authorised by the URL's signature, not a token."""

    path = "/uploads"
    tags = TAGS

    @put(
        "/{upload_id:str}/content",
        summary="Send the bytes of a requested upload",
        request_max_body_size=UPLOAD_BODY_LIMIT,
        responses=errors(403, 404, 409, 410, 413),
    )
    async def put_content(
        self,
        upload_id: FromPath[str],
        request: Request,
        token: Annotated[
            str | None, QueryParameter(description="The signature from `upload_url`")
        ] = None,
    ) -> Envelope[UploadOut]:
        """Use the exact `upload_url` from `POST /uploads/request` and send the raw file as
        the body. 403 `INVALID_SIGNATURE` for a changed URL, 410 `UPLOAD_EXPIRED` after
        `expires_at`, 409 when the bytes were already received. The file is validated like
        a direct upload; then confirm it."""
        return ok(await uploads.receive(upload_id, token, request.stream()), "File received")


class Seed002UploadController(Controller):
    """Seed 002 Task 13: one route per kind of file."""

    path = "/upload"
    tags = TAGS
    guards = [require_user]
    security = BEARER

    @post(
        "/image",
        summary="Upload an image",
        request_max_body_size=UPLOAD_BODY_LIMIT,
        responses=errors(401, 413, 429),
    )
    async def upload_image(
        self, principal: CurrentPrincipal, data: MultipartBody[KindUploadForm]
    ) -> Envelope[UploadOut]:
        """Multipart `file` (JPEG, PNG or WebP up to 5 MB unless `context` says otherwise),
        optional `context` and `context_id`. Re-encoded without metadata, with a thumbnail."""
        return ok(
            await uploads.direct(
                principal,
                data.context or "image",
                data.file,
                context_id=data.context_id,
                kind="image",
            ),
            "File uploaded successfully",
        )

    @post(
        "/video",
        summary="Upload a video",
        request_max_body_size=UPLOAD_BODY_LIMIT,
        responses=errors(401, 413, 429),
    )
    async def upload_video(
        self, principal: CurrentPrincipal, data: MultipartBody[KindUploadForm]
    ) -> Envelope[UploadOut]:
        """Multipart `file`: MP4, WebM or QuickTime up to 50 MB; optional `context`."""
        return ok(
            await uploads.direct(
                principal,
                data.context or "video",
                data.file,
                context_id=data.context_id,
                kind="video",
            ),
            "File uploaded successfully",
        )

    @post(
        "/document",
        summary="Upload a document",
        request_max_body_size=UPLOAD_BODY_LIMIT,
        responses=errors(401, 413, 429),
    )
    async def upload_document(
        self, principal: CurrentPrincipal, data: MultipartBody[KindUploadForm]
    ) -> Envelope[UploadOut]:
        """Multipart `file`: PDF, DOC or DOCX up to 5 MB; optional `context`. Documents are
        private: `file_url` is signed and expires, and downloads as an attachment."""
        return ok(
            await uploads.direct(
                principal,
                data.context or "document",
                data.file,
                context_id=data.context_id,
                kind="document",
            ),
            "File uploaded successfully",
        )


class ProfilePictureController(Controller):
    path = "/users"
    tags = ["Users"]
    guards = [require_user]
    security = BEARER

    @post(
        ["/profile/picture", "/me/upload-avatar"],
        opt=described(canonical="/profile/picture"),
        status_code=200,
        summary="Upload my profile picture",
        request_max_body_size=AVATAR_BODY_LIMIT,
        responses=errors(401, 413, 429),
    )
    async def upload_picture(
        self, principal: CurrentPrincipal, data: MultipartBody[PictureForm], client: Client
    ) -> Envelope[UploadOut]:
        """Multipart `file`: JPG, PNG, GIF or WebP up to 5 MB. Stored as a 400x400 picture
        (centre crop) with a 100x100 thumbnail; it becomes your `avatar` and the previous
        picture is deleted."""
        return ok(
            await uploads.set_profile_picture(principal, data.file, client),
            "Profile picture updated",
        )


class MediaFilesController(Controller):
    path = "/media"
    tags = TAGS

    @get(
        "/{key:path}",
        summary="Download a stored file",
        responses=errors(403, 404),
        opt={"skip_compression": True},
    )
    async def serve(
        self,
        key: FromPath[str],
        request: Request,
        token: Annotated[
            str | None, QueryParameter(description="Signature of a private file's URL")
        ] = None,
    ) -> Response[Any]:
        """The `file_url`/`thumbnail_url` of files kept on the API's own storage. Sent with
        the type recorded at upload and `X-Content-Type-Options: nosniff`; documents always
        as `Content-Disposition: attachment`. Private files need their signed URL (403
        once it expired). A single `Range: bytes=...` is answered with 206 (video seeking)."""
        served = uploads.open_local(key.lstrip("/"), token)
        size = served.size
        wanted = uploads.byte_range(request.headers.get("range"), size)
        headers = {
            "Cache-Control": "private, no-store"
            if served.private
            else "public, max-age=31536000, immutable",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Accept-Ranges": "bytes",
            "Content-Disposition": served.content_disposition,
        }
        if wanted is None:
            return File(
                path=served.path,
                filename=served.filename,
                media_type=served.content_type,
                content_disposition_type=served.disposition,  # type: ignore[arg-type]
                headers=headers,
            )
        first, last = wanted
        return Stream(
            uploads.read_range(served.path, first, last),
            status_code=206,
            media_type=served.content_type,
            headers={
                **headers,
                "Content-Range": f"bytes {first}-{last}/{size}",
                "Content-Length": str(last - first + 1),
            },
        )


CONTROLLERS = [
    UploadsController,
    UploadContentController,
    Seed002UploadController,
    ProfilePictureController,
    MediaFilesController,
]
