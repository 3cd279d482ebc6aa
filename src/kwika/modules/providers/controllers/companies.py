"""Companies (seed 000 1.3) and business phone numbers (seed 003 changelog 2026-02-21)."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody, MultipartBody

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson
from kwika.core.openapi import described
from kwika.core.pagination import Page, Paging
from kwika.modules.providers.schemas import (
    BusinessPhoneIn,
    BusinessPhoneOut,
    CompanyIn,
    CompanyOut,
    CompanyUpdateIn,
    OtpIn,
    PhoneCodeSentOut,
)
from kwika.modules.providers.services import companies, phones
from kwika.modules.providers.uploads import LOGO_BODY_LIMIT, FileForm

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class CompaniesController(Controller):
    path = "/companies"
    tags = ["Companies"]

    @post(
        summary="Create a company",
        opt=described(
            request={
                "name": "Otieno Studios",
                "slogan": "Every moment, kept",
                "description": "Photography and video for weddings and corporate events.",
                "district": "Westlands",
                "latitude": -1.2676,
                "longitude": 36.8108,
            }
        ),
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 403, 404, 409),
    )
    async def create_company(
        self, principal: CurrentPrincipal, data: JSONBody[CompanyIn], client: Client
    ) -> Envelope[CompanyOut]:
        # Seed 000 1.3.
        """A brand of yours. Needs a provider profile (403
        `PROVIDER_PROFILE_REQUIRED`). Names are unique among your companies (409, field
        `name`, case-insensitive). `business_phone_id` must be one of your verified business
        phones."""
        return ok(await companies.create(principal, data, client), "Company created successfully")

    @get(
        "/mine",
        summary="My companies",
        guards=[require_user],
        security=BEARER,
        responses=errors(401),
    )
    async def list_my_companies(
        self, principal: CurrentPrincipal, paging: Paging
    ) -> Envelope[Page[CompanyOut]]:
        """Newest first, paginated."""
        return ok(await companies.list_mine(principal, paging), "Companies retrieved successfully")

    @get("/{company_id:str}", summary="A company's public page", responses=errors(404))
    async def get_company(self, company_id: FromPath[str]) -> Envelope[CompanyOut]:
        """Public: no token needed. Served from a cache that every change of the company
        invalidates; each view counts for the ranking of featured companies."""
        return ok(await companies.public_page(company_id), "Company retrieved successfully")

    @put(
        "/{company_id:str}",
        summary="Update my company",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404, 409),
    )
    async def update_company(
        self,
        principal: CurrentPrincipal,
        company_id: FromPath[str],
        data: JSONBody[CompanyUpdateIn],
        client: Client,
    ) -> Envelope[CompanyOut]:
        """Send only what changes; `null` clears an optional field. Another provider's
        company is 404."""
        return ok(
            await companies.update(principal, company_id, data, client),
            "Company updated successfully",
        )

    @delete(
        "/{company_id:str}",
        status_code=200,
        summary="Delete my company",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404, 409),
    )
    async def delete_company(
        self, principal: CurrentPrincipal, company_id: FromPath[str], client: Client
    ) -> Envelope[None]:
        """Deletes the company with its logo, catalogues, categories and promotions. While
        services still belong to it: 409 `IN_USE` (delete or move them first). Another
        provider's company is 404."""
        await companies.delete(principal, company_id, client)
        return ok(None, "Company deleted successfully")

    @post(
        "/{company_id:str}/logo",
        status_code=200,
        summary="Upload my company's logo",
        guards=[require_user],
        security=BEARER,
        request_max_body_size=LOGO_BODY_LIMIT,
        responses=errors(401, 404, 413),
    )
    async def upload_logo(
        self,
        principal: CurrentPrincipal,
        company_id: FromPath[str],
        data: MultipartBody[FileForm],
        client: Client,
    ) -> Envelope[CompanyOut]:
        """Multipart `file`: JPG, PNG, GIF or WebP up to 5 MB, re-encoded without metadata,
        at most 1024 px, stored under a unique name. The previous logo is deleted."""
        return ok(
            await companies.set_logo(principal, company_id, data.file, client),
            "Logo uploaded successfully",
        )


class BusinessPhonesController(Controller):
    path = "/user-services/business-phones"
    tags = ["Business phones"]
    guards = [require_user]
    security = BEARER

    @get(
        ["/", "/list"],
        opt=described(canonical="/"),
        summary="My business phones",
        responses=errors(401),
    )
    async def list_phones(self, principal: CurrentPrincipal) -> Envelope[list[BusinessPhoneOut]]:
        """Verified numbers can be put on any of your services and companies
        (`business_phone_id`)."""
        return ok(await phones.list_phones(principal), "Business phones retrieved successfully")

    @post(
        summary="Add a business phone",
        middleware=[FormAsJson()],
        responses=errors(401, 403, 409, 429),
    )
    async def add_phone(
        self, principal: CurrentPrincipal, data: JSONBody[BusinessPhoneIn]
    ) -> Envelope[PhoneCodeSentOut]:
        """Sends a 6-digit code by SMS to the number; confirm it with
        `POST /user-services/business-phones/{id}/verify`. A number you already added is 409
        (`data.phone_id` names it). Needs a provider profile."""
        return ok(await phones.add_phone(principal, data.phone_number), "Verification code sent")

    @post(
        "/{phone_id:str}/verify",
        status_code=200,
        summary="Verify a business phone",
        responses=errors(401, 404),
    )
    async def verify_phone(
        self, principal: CurrentPrincipal, phone_id: FromPath[str], data: JSONBody[OtpIn]
    ) -> Envelope[BusinessPhoneOut]:
        """The code from the SMS. Wrong: 400 `INVALID_CODE` (5 tries per code), expired: 400
        `CODE_EXPIRED`. Verifying a verified number again answers it unchanged."""
        return ok(
            await phones.verify_phone(principal, phone_id, data.otp),
            "Business phone verified successfully",
        )

    @post(
        "/{phone_id:str}/resend",
        status_code=200,
        summary="Send a new code",
        responses=errors(401, 404, 409, 429),
    )
    async def resend_code(
        self, principal: CurrentPrincipal, phone_id: FromPath[str]
    ) -> Envelope[PhoneCodeSentOut]:
        """A new code (the previous one stops working); once a minute at most."""
        return ok(await phones.resend_code(principal, phone_id), "Verification code sent")

    @delete(
        "/{phone_id:str}",
        status_code=200,
        summary="Remove a business phone",
        responses=errors(401, 404, 409),
    )
    async def delete_phone(
        self, principal: CurrentPrincipal, phone_id: FromPath[str]
    ) -> Envelope[None]:
        """409 `IN_USE` while a service or company shows it."""
        await phones.delete_phone(principal, phone_id)
        return ok(None, "Business phone removed successfully")
