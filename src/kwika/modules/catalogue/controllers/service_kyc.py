"""KYC documents of my services (seed 003 7.6-7.9): the owner's only, another
provider's service is 404."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody

from kwika.core.auth import CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormWithFiles, uploaded_files
from kwika.modules.catalogue.schemas import (
    KycRequirementStatusOut,
    KycResubmitIn,
    KycStatusOut,
    KycUploadIn,
)
from kwika.modules.catalogue.services import kyc
from kwika.modules.catalogue.uploads import KYC_BODY_LIMIT

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


def _first(request: Request[Any, Any, Any], name: str) -> Any:
    files = uploaded_files(request, name)
    return files[0] if files else None


class ServiceKycController(Controller):
    path = "/user-services"
    tags = ["Services"]
    guards = [require_user]
    security = BEARER

    @get("/{service_id:str}/kyc", summary="My service's KYC", responses=errors(401, 404))
    async def kyc_status(
        self, principal: CurrentPrincipal, service_id: FromPath[str]
    ) -> Envelope[KycStatusOut]:
        # Seed 003 7.6.
        """Every requirement of the service's type with its accepted formats,
        size and the state of your document (`not_submitted`, `pending`, `approved`,
        `rejected`). `progress` is the share of required documents approved."""
        return ok(await kyc.get_status(principal, service_id), "KYC status retrieved successfully")

    @post(
        "/{service_id:str}/kyc",
        summary="Upload a KYC document",
        middleware=[FormWithFiles("document")],
        request_max_body_size=KYC_BODY_LIMIT,
        responses=errors(401, 404, 409, 413),
    )
    async def upload_kyc(
        self,
        principal: CurrentPrincipal,
        service_id: FromPath[str],
        request: Request[Any, Any, Any],
        data: JSONBody[KycUploadIn],
    ) -> Envelope[KycRequirementStatusOut]:
        # Seed 003 7.7.
        """Multipart `kyc_requirement_id`, `document`, `notes` (or JSON with
        `file_id` of a `kyc_document` upload). The file must be one of the requirement's
        `accepted_formats` (read from its content) and within `max_file_size_mb`: otherwise
        400 on `document`. One document per requirement: a second is 409
        `KYC_ALREADY_SUBMITTED` (resubmit with PUT)."""
        return ok(
            await kyc.upload(principal, service_id, data, _first(request, "document")),
            "Document uploaded successfully",
        )

    @delete(
        "/{service_id:str}/kyc/{kyc_id:str}",
        status_code=200,
        summary="Remove a KYC document",
        responses=errors(401, 404, 409),
    )
    async def remove_kyc(
        self, principal: CurrentPrincipal, service_id: FromPath[str], kyc_id: FromPath[str]
    ) -> Envelope[None]:
        # Seed 003 7.8.
        """`kyc_id` is the requirement id (or the document id). An approved
        document cannot be removed: 409 `KYC_DOCUMENT_APPROVED`. The
        file goes with the document unless another of the service's documents names it."""
        await kyc.remove(principal, service_id, kyc_id)
        return ok(None, "Document removed successfully")

    @put(
        "/{service_id:str}/kyc/{kyc_id:str}",
        summary="Resubmit a KYC document",
        middleware=[FormWithFiles("document")],
        request_max_body_size=KYC_BODY_LIMIT,
        responses=errors(401, 404, 409, 413),
    )
    async def resubmit_kyc(
        self,
        principal: CurrentPrincipal,
        service_id: FromPath[str],
        kyc_id: FromPath[str],
        request: Request[Any, Any, Any],
        data: JSONBody[KycResubmitIn],
    ) -> Envelope[KycRequirementStatusOut]:
        # Seed 003 7.9.
        """A new `document` (or `file_id`) for a rejected or pending one; it
        is pending again and `resubmit_count` grows. Approved: 409."""
        return ok(
            await kyc.resubmit(principal, service_id, kyc_id, data, _first(request, "document")),
            "Document resubmitted successfully",
        )
