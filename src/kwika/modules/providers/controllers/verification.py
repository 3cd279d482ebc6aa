"""Identity verification (seed 003 21) and craftsman verification (seed 001 2.1, 5.2)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormWithFiles, uploaded_files
from kwika.modules.providers.schemas import (
    CraftsmanVerificationIn,
    CraftsmanVerificationOut,
    IdentityStatusOut,
    IdentityVerificationIn,
)
from kwika.modules.providers.services import verification
from kwika.modules.providers.uploads import CRAFTSMAN_BODY_LIMIT, IDENTITY_BODY_LIMIT

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]
IDENTITY_FILES = ("id_front", "id_back", "selfie")


def _first(request: Request[Any, Any, Any], name: str) -> Any:
    files = uploaded_files(request, name)
    return files[0] if files else None


class VerificationController(Controller):
    path = "/users"
    tags = ["Verification"]
    guards = [require_user]
    security = BEARER

    @post(
        "/verify-identity",
        status_code=200,
        summary="Submit identity documents",
        middleware=[FormWithFiles(*IDENTITY_FILES)],
        request_max_body_size=IDENTITY_BODY_LIMIT,
        responses=errors(401, 404, 409, 413),
    )
    async def submit_identity(
        self,
        principal: CurrentPrincipal,
        request: Request[Any, Any, Any],
        data: JSONBody[IdentityVerificationIn],
        client: Client,
    ) -> Envelope[IdentityStatusOut]:
        # Seed 003 21.1.
        """Multipart: `id_front` (required), `id_back`, `selfie` (a photo);
        JPG, PNG, WebP or PDF up to 10 MB, stored privately. Or JSON with `id_front_id`,
        `id_back_id`, `selfie_id` (files uploaded first with context
        `verification_document`). 409 `VERIFICATION_PENDING` while under review,
        `ALREADY_VERIFIED` once verified; after a rejection you may send it again."""
        uploads = {name: _first(request, name) for name in IDENTITY_FILES}
        return ok(
            await verification.submit_identity(principal, data, uploads, client),
            "Verification documents submitted successfully",
        )

    @get("/verify-identity/status", summary="My identity verification", responses=errors(401))
    async def identity_status(self, principal: CurrentPrincipal) -> Envelope[IdentityStatusOut]:
        # Seed 003 21.2.
        """`not_submitted`, `submitted` (under review), `verified` or
        `rejected` (with `rejection_reason`)."""
        return ok(await verification.identity_status(principal), "Verification status retrieved")

    @post(
        "/craftsman/verification",
        status_code=200,
        summary="Submit craftsman verification",
        middleware=[FormWithFiles("documents")],
        request_max_body_size=CRAFTSMAN_BODY_LIMIT,
        responses=errors(401, 403, 404, 409, 413),
    )
    async def submit_craftsman(
        self,
        principal: CurrentPrincipal,
        request: Request[Any, Any, Any],
        data: JSONBody[CraftsmanVerificationIn],
        client: Client,
    ) -> Envelope[CraftsmanVerificationOut]:
        # Seed 001 5.2.
        """Craftsmen only (403 `CRAFTSMAN_REQUIRED`): `skills` (tags) and
        certification documents. Multipart: files under `documents` with `doc_types` in the
        same order (default `Certificate`); or JSON `documents: [{doc_type, file_id}]` with
        files uploaded first (context `verification_document`). 1 to 10 documents, JPG, PNG,
        WebP or PDF up to 10 MB each. Staff then verify or reject it (with a reason); after a
        rejection you may send it again."""
        return ok(
            await verification.submit_craftsman(
                principal, data, uploaded_files(request, "documents"), client
            ),
            "Verification documents submitted successfully",
        )

    @get(
        "/craftsman/verification",
        summary="My craftsman verification",
        responses=errors(401),
    )
    async def craftsman_status(
        self, principal: CurrentPrincipal
    ) -> Envelope[CraftsmanVerificationOut]:
        """`not_submitted`, `pending`, `verified` or `rejected` (with `rejection_reason`);
        document links are signed and expire."""
        return ok(await verification.craftsman_status(principal), "Verification status retrieved")
