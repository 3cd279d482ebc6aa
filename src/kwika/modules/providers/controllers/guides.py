"""Guides (seed 002 Task 5): applications with a resume and a video, guide pages and the
availability calendar."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson, FormWithFiles, uploaded_files
from kwika.core.pagination import Paging
from kwika.modules.providers.schemas import (
    AvailabilityIn,
    AvailabilityOut,
    GuideApplicationIn,
    GuideApplicationOut,
    GuideUpdateIn,
    ProviderOut,
    ProvidersPage,
)
from kwika.modules.providers.services import guides, verification
from kwika.modules.providers.uploads import GUIDE_BODY_LIMIT

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


def _first(request: Request[Any, Any, Any], name: str) -> Any:
    files = uploaded_files(request, name)
    return files[0] if files else None


class GuidesController(Controller):
    path = "/guides"
    tags = ["Guides"]

    @post(
        "/apply",
        summary="Apply to be a guide",
        guards=[require_user],
        security=BEARER,
        middleware=[FormWithFiles("resume", "video")],
        request_max_body_size=GUIDE_BODY_LIMIT,
        responses=errors(401, 404, 409, 413),
    )
    async def apply(
        self,
        principal: CurrentPrincipal,
        request: Request[Any, Any, Any],
        data: JSONBody[GuideApplicationIn],
        client: Client,
    ) -> Envelope[GuideApplicationOut]:
        # Seed 002 Task 5.
        """Multipart: `resume` (PDF, DOC or DOCX up to 5 MB) and `video`
        (MP4 or WebM up to 50 MB), read by their content, not their names; plus `bio`,
        `region`, `specializations`, `languages` (lists: repeated fields, a JSON array or
        comma-separated), `years_experience`, `hourly_rate`, `currency`, `motivation`. Or JSON
        with `resume_id`/`video_id` of files uploaded first (contexts `guide_resume`,
        `guide_video`). Staff approve it (you become a guide) or reject it with a reason;
        you get an email either way. 409 while one is pending or once approved."""
        return ok(
            await verification.apply_guide(
                principal, data, _first(request, "resume"), _first(request, "video"), client
            ),
            "Application submitted successfully",
        )

    @get(
        "/application",
        summary="My guide application",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def my_application(self, principal: CurrentPrincipal) -> Envelope[GuideApplicationOut]:
        """Status `pending`, `verified` (approved) or `rejected` with `rejection_reason`."""
        return ok(await verification.my_guide_application(principal), "Application retrieved")

    @get(summary="Approved guides", responses=errors())
    async def list_guides(
        self,
        paging: Paging,
        region: Annotated[
            str | None, QueryParameter(description="Region, matched from a word's start")
        ] = None,
        specialization: Annotated[
            str | None, QueryParameter(description="Specialization, from a word's start")
        ] = None,
        language: Annotated[str | None, QueryParameter(description="A language spoken")] = None,
        min_rating: Annotated[
            float | None, QueryParameter(description="Minimum average rating, 0 to 5")
        ] = None,
    ) -> Envelope[ProvidersPage]:
        """Public: approved guides, best rated first."""
        return ok(
            await guides.list_guides(
                paging,
                region=region,
                specialization=specialization,
                min_rating=min_rating,
                language=language,
            ),
            "Guides retrieved successfully",
        )

    @get("/{guide_id:str}", summary="A guide's page", responses=errors(404))
    async def get_guide(self, guide_id: FromPath[str]) -> Envelope[ProviderOut]:
        """Public. `guide_id` is the guide's provider id."""
        return ok(await guides.get_guide(guide_id), "Guide retrieved successfully")

    @put(
        "/{guide_id:str}",
        summary="Update my guide profile",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404),
    )
    async def update_guide(
        self, principal: CurrentPrincipal, guide_id: FromPath[str], data: JSONBody[GuideUpdateIn]
    ) -> Envelope[ProviderOut]:
        """Only the guide: `bio`, `languages`, `region`, `specializations`,
        `years_experience`, `hourly_rate`, `currency`. Anyone else's guide is 404."""
        return ok(
            await guides.update_guide(principal, guide_id, data), "Guide updated successfully"
        )

    @get(
        "/{guide_id:str}/availability",
        summary="A guide's availability",
        responses=errors(404),
    )
    async def get_availability(
        self,
        guide_id: FromPath[str],
        start: Annotated[
            date | None, QueryParameter(name="from", description="First day, default today")
        ] = None,
        end: Annotated[
            date | None, QueryParameter(name="to", description="Last day, default +30 days")
        ] = None,
    ) -> Envelope[AvailabilityOut]:
        """Public. The days the guide described between `from` and `to` (at most 366 days),
        with time slots; days not listed are not set."""
        return ok(await guides.get_availability(guide_id, start, end), "Availability retrieved")

    @post(
        "/{guide_id:str}/availability",
        status_code=200,
        summary="Set my availability",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def set_availability(
        self, principal: CurrentPrincipal, guide_id: FromPath[str], data: JSONBody[AvailabilityIn]
    ) -> Envelope[AvailabilityOut]:
        """Only the guide. `dates: [{date, is_available, slots: [{start: "09:00", end:
        "12:00"}], note}]`, each date once, from today up to two years ahead; the days sent
        replace what was set for them. Answers the calendar between the first and last day
        sent."""
        return ok(await guides.set_availability(principal, guide_id, data), "Availability updated")
