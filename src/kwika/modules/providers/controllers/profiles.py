"""Becoming a provider and the provider page (issue 4 shapes; seed 000 1.1, seed 001 6.1)."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson
from kwika.core.openapi import described
from kwika.modules.providers.schemas import ProviderIn, ProviderOut, ProviderUpdateIn
from kwika.modules.providers.services import profiles

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class ProvidersController(Controller):
    path = "/providers"
    tags = ["Providers"]

    @post(
        "/me",
        summary="Become a provider",
        opt=described(
            request={
                "kinds": ["vendor"],
                "bio": "Wedding and event photography in Nairobi since 2015.",
                "district": "Westlands",
                "latitude": -1.2676,
                "longitude": 36.8108,
                "languages": ["English", "Swahili"],
            }
        ),
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404, 409),
    )
    async def create_profile(
        self, principal: CurrentPrincipal, data: JSONBody[ProviderIn], client: Client
    ) -> Envelope[ProviderOut]:
        """Creates your provider profile and turns your account into a provider account.
        `kinds`: `vendor` and/or `craftsman` (`guide` comes with an approved application,
        `POST /guides/apply`). `latitude`+`longitude` (together) and `service_radius_km`
        describe where you work. `portfolio_ids` are images uploaded first with context
        `portfolio` (404 for a file that is not yours). One profile per account: 409
        `PROVIDER_PROFILE_EXISTS`."""
        return ok(
            await profiles.create_profile(principal, data, client),
            "Provider profile created successfully",
        )

    @get(
        "/me",
        summary="My provider profile",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def get_my_profile(self, principal: CurrentPrincipal) -> Envelope[ProviderOut]:
        """Your profile with exact location and address, verification states per track
        (`identity`, `craftsman`, `guide`) and rating. 404 `PROVIDER_PROFILE_MISSING` before
        you became a provider."""
        return ok(await profiles.get_mine(principal), "Provider profile retrieved successfully")

    @put(
        "/me",
        summary="Update my provider profile",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404),
    )
    async def update_profile(
        self, principal: CurrentPrincipal, data: JSONBody[ProviderUpdateIn], client: Client
    ) -> Envelope[ProviderOut]:
        """Send only what changes; `null` clears an optional field. `portfolio_ids` replaces
        the portfolio: images left out are deleted. Your display name follows your account
        name."""
        return ok(
            await profiles.update_profile(principal, data, client),
            "Provider profile updated successfully",
        )

    @get("/{provider_id:str}", summary="A provider's public page", responses=errors(404))
    async def get_provider(self, provider_id: FromPath[str]) -> Envelope[ProviderOut]:
        """Public: no token needed. The location is rounded to about 1 km and the address is
        left out. Providers of suspended or deleted accounts are 404."""
        return ok(await profiles.public_page(provider_id), "Provider retrieved successfully")
