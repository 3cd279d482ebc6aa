"""Seed 003 module 7: the vendor dashboard's services and their images (their KYC
documents: ``service_kyc``; packages: ``service_packages``), and a service's public page.
Everything here is the owner's: another provider's service is 404."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormWithFiles, uploaded_files
from kwika.core.ids import parse_id
from kwika.core.openapi import described
from kwika.core.pagination import Paging
from kwika.core.query import SortOrder
from kwika.modules.catalogue.constants import (
    ServiceKind,
    ServiceSortBy,
    ServiceStatusFilter,
    VerificationFilter,
)
from kwika.modules.catalogue.schemas import (
    ImagesIn,
    ServiceDetailOut,
    ServiceIn,
    ServiceOut,
    ServicePageOut,
    ServicesPage,
    ServiceUpdateIn,
)
from kwika.modules.catalogue.services import images, kyc, listings, packages, public_pages
from kwika.modules.catalogue.services.views import service_out
from kwika.modules.catalogue.uploads import SERVICE_BODY_LIMIT

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


def _first(request: Request[Any, Any, Any], name: str) -> Any:
    files = uploaded_files(request, name)
    return files[0] if files else None


class UserServicesController(Controller):
    path = "/user-services"
    tags = ["Services"]
    guards = [require_user]
    security = BEARER

    @get(summary="My services", responses=errors(401))
    async def list_services(
        self,
        principal: CurrentPrincipal,
        paging: Paging,
        status: Annotated[ServiceStatusFilter | None, QueryParameter()] = None,
        verification_status: Annotated[VerificationFilter | None, QueryParameter()] = None,
        category_id: Annotated[
            str | None, QueryParameter(description="A service category (reference) id")
        ] = None,
        kind: Annotated[ServiceKind | None, QueryParameter()] = None,
        company_id: Annotated[str | None, QueryParameter(description="One company's")] = None,
        catalogue_id: Annotated[str | None, QueryParameter(description="One catalogue's")] = None,
        sort_by: Annotated[ServiceSortBy, QueryParameter()] = "created_at",
        sort_order: Annotated[SortOrder, QueryParameter()] = "desc",
    ) -> Envelope[ServicesPage]:
        # Seed 003 7.1 (its clients read `services`).
        """Your services and experiences with a `summary` of all of them
        (`items` and `services` hold the same page)."""
        return ok(
            await listings.list_mine(
                principal,
                paging,
                status=status,
                verification_status=verification_status,
                category_id=category_id,
                kind=kind,
                company_id=company_id,
                catalogue_id=catalogue_id,
                sort_by=sort_by,
                sort_order=sort_order,
            ),
            "Services retrieved successfully",
        )

    @post(
        summary="Create a service",
        opt=described(
            request={
                "title": "Wedding photography",
                "description": (
                    "Full-day coverage of your wedding: preparations, ceremony and "
                    "reception, with an online gallery."
                ),
                "service_category_id": "6650f1c2a9d3e41b2c7a9f02",
                "price": "85000",
                "currency": "KES",
                "price_unit": "per_event",
                "location": "Nairobi",
                "latitude": -1.2921,
                "longitude": 36.8219,
                "company_id": "6650f1c2a9d3e41b2c7a9f03",
            }
        ),
        middleware=[FormWithFiles("images")],
        request_max_body_size=SERVICE_BODY_LIMIT,
        responses=errors(401, 403, 404, 413),
    )
    async def create_service(
        self,
        principal: CurrentPrincipal,
        request: Request[Any, Any, Any],
        data: JSONBody[ServiceIn],
        client: Client,
    ) -> Envelope[ServiceOut]:
        # Seed 003 7.3; `name`, `price` and the optional type are seed 000's.
        """As multipart (fields plus up to 10 `images`, 10 MB each, 5 per
        request) or JSON (`image_ids` of images uploaded first with context `service_image`).
        Required: `title` (or `name`), `description`, and a price that fits
        `price_type` (`fixed`/`starting_from`: `min_price` or `price`; `range`: both
        `min_price` and `max_price`). `service_type_id` (optional) sets
        `service_category_id`. `company_id`, `catalogue_id` and `category_id` must be yours
        and of one company (404 otherwise). `kind: experience` is for guides (403
        `GUIDE_REQUIRED`). Needs a provider profile (403 `PROVIDER_PROFILE_REQUIRED`)."""
        return ok(
            await listings.create(
                principal,
                data,
                uploaded_files(request, "images"),
                client,
            ),
            "Service created successfully",
        )

    @get("/{service_id:str}", summary="One of my services", responses=errors(401, 404))
    async def get_service(
        self, principal: CurrentPrincipal, service_id: FromPath[str]
    ) -> Envelope[ServiceDetailOut]:
        # Seed 003 7.2.
        """With its `packages` and `kyc_status`."""
        service = await listings.get_mine(principal, service_id)
        out = await service_out(service)
        detail = ServiceDetailOut(
            **out.model_dump(),
            packages=await packages.packages_of(service.id),
            kyc_status=await kyc.summary_of(service),
        )
        return ok(detail, "Service retrieved successfully")

    @put(
        "/{service_id:str}",
        summary="Update my service",
        middleware=[FormWithFiles("images")],
        request_max_body_size=SERVICE_BODY_LIMIT,
        responses=errors(401, 404, 409, 413),
    )
    async def update_service(
        self,
        principal: CurrentPrincipal,
        service_id: FromPath[str],
        request: Request[Any, Any, Any],
        data: JSONBody[ServiceUpdateIn],
        client: Client,
    ) -> Envelope[ServiceOut]:
        # Seed 003 7.4.
        """Send only what changes (`null` clears an optional field). Images:
        new `images` files or `image_ids` are added, `remove_images` (ids) removed,
        `primary_image_id` becomes the primary. `status`: `active` or `inactive` (a service
        our team suspended: 409 `SERVICE_SUSPENDED`). The service type cannot change once
        KYC documents were sent (409 `KYC_SUBMITTED`)."""
        return ok(
            await listings.update(
                principal, service_id, data, uploaded_files(request, "images"), client
            ),
            "Service updated successfully",
        )

    @delete(
        "/{service_id:str}",
        status_code=200,
        summary="Delete my service",
        responses=errors(401, 404, 409),
    )
    async def delete_service(
        self, principal: CurrentPrincipal, service_id: FromPath[str], client: Client
    ) -> Envelope[None]:
        # Seed 003 7.5.
        """With its packages, images and KYC documents. While it has active
        bookings: 409 `IN_USE` (`data.active_bookings`)."""
        await listings.delete(principal, service_id, client)
        return ok(None, "Service deleted successfully")

    # ------------------------------------------------------------ images

    @post(
        "/{service_id:str}/images",
        status_code=200,
        summary="Add images to my service",
        middleware=[FormWithFiles("images")],
        request_max_body_size=SERVICE_BODY_LIMIT,
        responses=errors(401, 404, 413),
    )
    async def add_images(
        self,
        principal: CurrentPrincipal,
        service_id: FromPath[str],
        request: Request[Any, Any, Any],
        data: JSONBody[ImagesIn],
    ) -> Envelope[ServiceOut]:
        """Multipart `images` files or JSON `image_ids`; at most 10 images per service."""
        return ok(
            await images.add_images(
                principal,
                parse_id(service_id, "Service"),
                uploaded_files(request, "images"),
                data.image_ids,
            ),
            "Images added successfully",
        )

    @delete(
        "/{service_id:str}/images/{image_id:str}",
        status_code=200,
        summary="Remove an image",
        responses=errors(401, 404),
    )
    async def remove_image(
        self, principal: CurrentPrincipal, service_id: FromPath[str], image_id: FromPath[str]
    ) -> Envelope[ServiceOut]:
        """The file is deleted; if it was the primary image, the next one becomes primary."""
        return ok(
            await images.remove_image(principal, parse_id(service_id, "Service"), image_id),
            "Image removed successfully",
        )

    @put(
        "/{service_id:str}/images/{image_id:str}/primary",
        summary="Make an image the primary one",
        responses=errors(401, 404),
    )
    async def set_primary_image(
        self, principal: CurrentPrincipal, service_id: FromPath[str], image_id: FromPath[str]
    ) -> Envelope[ServiceOut]:
        """The primary image is the service's `image` in lists."""
        return ok(
            await images.set_primary(principal, parse_id(service_id, "Service"), image_id),
            "Primary image updated",
        )


class PublicServiceController(Controller):
    path = "/services"
    tags = ["Discovery"]

    @get("/{service_id:str}", summary="A service's public page", responses=errors(404))
    async def get_service(self, service_id: FromPath[str]) -> Envelope[ServicePageOut]:
        # Seed 003 9.2.
        """An active service as anyone sees it (images, prices, packages,
        provider). Inactive, deleted and unknown services are 404. Served from a cache that
        every change of the service invalidates; each view counts for the ranking of
        featured services."""
        return ok(await public_pages.public_page(service_id, "service"), "Service retrieved")
