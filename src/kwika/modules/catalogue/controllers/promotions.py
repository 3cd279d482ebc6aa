"""Promotions (seed 000 1.5)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody, MultipartBody, QueryParameter

from kwika.core.auth import Client, CurrentPrincipal, OptionalPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson
from kwika.core.pagination import Paging
from kwika.modules.catalogue.constants import PromotionStatusFilter
from kwika.modules.catalogue.schemas import (
    PromotionIn,
    PromotionOut,
    PromotionsPage,
    PromotionUpdateIn,
)
from kwika.modules.catalogue.services import promotions
from kwika.modules.catalogue.uploads import PROMOTION_IMAGE_LIMIT, FileForm

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class PromotionsController(Controller):
    path = "/promotions"
    tags = ["Promotions"]

    @post(
        summary="Create a promotion",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 403, 404),
    )
    async def create_promotion(
        self, principal: CurrentPrincipal, data: JSONBody[PromotionIn], client: Client
    ) -> Envelope[PromotionOut]:
        # Seed 000 1.5.
        """For one of your companies (`company_id`, 404 if not yours):
        `name`, `category`, `address`, `latitude`/`longitude`, `start_date`, `end_date`
        (a date means the whole day in UTC; the end is after the start, in the future, at
        most 366 days later), `price` and `currency` (default TZS). An image with
        `POST /promotions/{id}/image` or `image_id`."""
        return ok(
            await promotions.create(principal, data, client), "Promotion created successfully"
        )

    @get(
        "/mine",
        summary="My promotions",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def list_my_promotions(
        self,
        principal: CurrentPrincipal,
        paging: Paging,
        status: Annotated[PromotionStatusFilter | None, QueryParameter()] = None,
        company_id: Annotated[str | None, QueryParameter(description="One company's")] = None,
    ) -> Envelope[PromotionsPage]:
        """Newest first, each with its `status`."""
        return ok(
            await promotions.list_mine(principal, paging, status=status, company_id=company_id),
            "Promotions retrieved successfully",
        )

    @get("/{promotion_id:str}", summary="A promotion", responses=errors(404))
    async def get_promotion(
        self, promotion_id: FromPath[str], viewer: OptionalPrincipal
    ) -> Envelope[PromotionOut]:
        """Public, with its `status` (`scheduled`, `active`, `expired`). One its owner
        switched off (`is_active: false`) is 404 except to the owner."""
        return ok(
            await promotions.public_page(promotion_id, viewer.id if viewer else None),
            "Promotion retrieved successfully",
        )

    @put(
        "/{promotion_id:str}",
        summary="Update my promotion",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404),
    )
    async def update_promotion(
        self,
        principal: CurrentPrincipal,
        promotion_id: FromPath[str],
        data: JSONBody[PromotionUpdateIn],
        client: Client,
    ) -> Envelope[PromotionOut]:
        """Send only what changes; the dates follow the same rules as on creation. Another
        provider's promotion is 404."""
        return ok(
            await promotions.update(principal, promotion_id, data, client),
            "Promotion updated successfully",
        )

    @delete(
        "/{promotion_id:str}",
        status_code=200,
        summary="Delete my promotion",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def delete_promotion(
        self, principal: CurrentPrincipal, promotion_id: FromPath[str], client: Client
    ) -> Envelope[None]:
        """With its image. Another provider's promotion is 404."""
        await promotions.delete(principal, promotion_id, client)
        return ok(None, "Promotion deleted successfully")

    @post(
        "/{promotion_id:str}/image",
        status_code=200,
        summary="Upload my promotion's image",
        guards=[require_user],
        security=BEARER,
        request_max_body_size=PROMOTION_IMAGE_LIMIT,
        responses=errors(401, 404, 413),
    )
    async def upload_image(
        self,
        principal: CurrentPrincipal,
        promotion_id: FromPath[str],
        data: MultipartBody[FileForm],
    ) -> Envelope[PromotionOut]:
        """Multipart `file`: JPG, PNG, GIF or WebP up to 10 MB, re-encoded without metadata.
        The previous image is deleted."""
        return ok(
            await promotions.set_image(principal, promotion_id, data.file),
            "Image uploaded successfully",
        )
