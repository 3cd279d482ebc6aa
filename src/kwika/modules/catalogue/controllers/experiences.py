"""Experiences (seed 002 Task 6): services of kind `experience`, published by guides."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormWithFiles, uploaded_files
from kwika.modules.catalogue.schemas import (
    ExperienceIn,
    ExperienceUpdateIn,
    ServiceOut,
    ServicePageOut,
)
from kwika.modules.catalogue.services import listings, public_pages
from kwika.modules.catalogue.uploads import SERVICE_BODY_LIMIT

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]
RENAMES = listings.EXPERIENCE_ERRORS


class ExperiencesController(Controller):
    path = "/experiences"
    tags = ["Experiences"]

    @get("/{experience_id:str}", summary="An experience", responses=errors(404))
    async def get_experience(self, experience_id: FromPath[str]) -> Envelope[ServicePageOut]:
        """Public (active experiences only). Served from a cache that every change
        invalidates; each view counts for the ranking."""
        return ok(
            await public_pages.public_page(experience_id, "experience"),
            "Experience retrieved successfully",
        )

    @post(
        summary="Create an experience",
        guards=[require_user],
        security=BEARER,
        middleware=[FormWithFiles("images")],
        request_max_body_size=SERVICE_BODY_LIMIT,
        responses=errors(401, 403, 404, 413),
    )
    async def create_experience(
        self,
        principal: CurrentPrincipal,
        request: Request[Any, Any, Any],
        data: JSONBody[ExperienceIn],
        client: Client,
    ) -> Envelope[ServiceOut]:
        """Guides only (403 `GUIDE_REQUIRED`). Required: `title`, `description`,
        `category` (nightlife, cultural, adventure, food, nature), `price` (per person unless
        `price_unit` says otherwise), `duration_hours`. Also `min_group_size`,
        `max_group_size`, `languages`, `meeting_point` with `latitude`/`longitude`, images
        (multipart `images` or `image_ids`). Also listed in `GET /user-services`."""
        return ok(
            await listings.create(
                principal,
                listings.experience_fields(data, creating=True),
                uploaded_files(request, "images"),
                client,
                renames=RENAMES,
            ),
            "Experience created successfully",
        )

    @put(
        "/{experience_id:str}",
        summary="Update my experience",
        guards=[require_user],
        security=BEARER,
        middleware=[FormWithFiles("images")],
        request_max_body_size=SERVICE_BODY_LIMIT,
        responses=errors(401, 404, 409, 413),
    )
    async def update_experience(
        self,
        principal: CurrentPrincipal,
        experience_id: FromPath[str],
        request: Request[Any, Any, Any],
        data: JSONBody[ExperienceUpdateIn],
        client: Client,
    ) -> Envelope[ServiceOut]:
        """Only its guide (anyone else: 404). Send only what changes; images as for
        services (`images`, `image_ids`, `remove_images`, `primary_image_id`)."""
        return ok(
            await listings.update(
                principal,
                experience_id,
                listings.experience_fields(data, creating=False),
                uploaded_files(request, "images"),
                client,
                kind="experience",
                renames=RENAMES,
            ),
            "Experience updated successfully",
        )

    @delete(
        "/{experience_id:str}",
        status_code=200,
        summary="Delete my experience",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404, 409),
    )
    async def delete_experience(
        self, principal: CurrentPrincipal, experience_id: FromPath[str], client: Client
    ) -> Envelope[None]:
        """Only its guide (anyone else: 404). While it has active bookings: 409 `IN_USE`."""
        await listings.delete(principal, experience_id, client, kind="experience")
        return ok(None, "Experience deleted successfully")
