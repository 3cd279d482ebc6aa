"""Seed 003 module 2 (references) and seed 004 3.2 (onboarding interests). Public, cached."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath

from kwika.core.envelope import Envelope, errors, ok
from kwika.modules.reference import service
from kwika.modules.reference.schemas import (
    CountryOut,
    CurrencyOut,
    EventTypeOut,
    InterestOut,
    KycRequirementOut,
    ServiceCategoryOut,
    ServiceTypeOut,
)


class ReferencesController(Controller):
    path = "/references"
    tags = ["References"]

    @get("/event-types", summary="Event types", responses=errors())
    async def event_types(self) -> Envelope[list[EventTypeOut]]:
        # Seed 003 2.1.
        """Active event types in display order."""
        return ok(await service.event_types(), "Event types retrieved successfully")

    @get("/service-categories", summary="Service categories", responses=errors())
    async def service_categories(self) -> Envelope[list[ServiceCategoryOut]]:
        # Seed 003 2.2; seed 001 read skills from `GET /services`.
        """Active service categories with how many services each has. This is
        also the list of skills craftsmen pick from."""
        return ok(await service.service_categories(), "Service categories retrieved successfully")

    @get(
        "/service-types/category/{category_id:str}",
        summary="Service types of a category",
        responses=errors(404),
    )
    async def service_types(self, category_id: FromPath[str]) -> Envelope[list[ServiceTypeOut]]:
        # Seed 003 2.3.
        """The active service types of one category; 404 `Service category not
        found` for an unknown or inactive category."""
        return ok(
            await service.service_types_in(category_id), "Service types retrieved successfully"
        )

    @get(
        "/service-types/{service_type_id:str}/kyc",
        summary="KYC requirements of a service type",
        responses=errors(404),
    )
    async def kyc(self, service_type_id: FromPath[str]) -> Envelope[list[KycRequirementOut]]:
        # Seed 003 2.4.
        """The documents a provider of this service type submits, whether each
        is required, and the formats and size (MB) each accepts."""
        return ok(await service.kyc_for(service_type_id), "KYC requirements retrieved successfully")

    @get("/currencies", summary="Currencies", responses=errors())
    async def currencies(self) -> Envelope[list[CurrencyOut]]:
        # Seed 003 2.5.
        """Active currencies; `is_default` marks the platform default (TZS
        unless configured otherwise)."""
        return ok(await service.currencies(), "Currencies retrieved successfully")

    @get("/countries", summary="Countries", responses=errors())
    async def countries(self) -> Envelope[list[CountryOut]]:
        # Seed 003 2.6.
        """Active countries with their dialling code and currency."""
        return ok(await service.countries(), "Countries retrieved successfully")


class OnboardingInterestsController(Controller):
    path = "/onboarding"
    tags = ["References"]

    @get("/interests", summary="Onboarding interests", responses=errors())
    async def interests(self) -> Envelope[list[InterestOut]]:
        # Seed 004 3.2.
        """The interests a new user picks from (store their `key`s)."""
        return ok(await service.interests(), "Interests retrieved successfully")


CONTROLLERS = [ReferencesController, OnboardingInterestsController]
