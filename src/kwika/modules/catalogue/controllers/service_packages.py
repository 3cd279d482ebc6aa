"""Packages of my services (seed 003 module 8): the owner's only, another provider's
service is 404."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody

from kwika.core.auth import CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson, uploaded_files
from kwika.core.openapi import described
from kwika.modules.catalogue.schemas import (
    PackageIn,
    PackageOut,
    PackageReorderIn,
    PackageUpdateIn,
)
from kwika.modules.catalogue.services import packages

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


def _first(request: Request[Any, Any, Any], name: str) -> Any:
    files = uploaded_files(request, name)
    return files[0] if files else None


class ServicePackagesController(Controller):
    path = "/user-services"
    tags = ["Services"]
    guards = [require_user]
    security = BEARER

    @get(
        "/{service_id:str}/packages",
        summary="My service's packages",
        responses=errors(401, 404),
    )
    async def list_packages(
        self, principal: CurrentPrincipal, service_id: FromPath[str]
    ) -> Envelope[list[PackageOut]]:
        # Seed 003 8.1.
        """In `display_order`."""
        return ok(
            await packages.list_packages(principal, service_id),
            "Packages retrieved successfully",
        )

    @post(
        "/{service_id:str}/packages",
        summary="Create a package",
        opt=described(
            request={
                "name": "Gold",
                "description": "Two photographers, ten hours",
                "price": "120000",
                "duration_hours": 10,
                "photographers_count": 2,
                "features": ["Engagement shoot", "Printed album"],
                "deliverables": ["400 edited photos"],
                "turnaround_days": 21,
                "is_popular": True,
            }
        ),
        middleware=[FormAsJson()],
        responses=errors(401, 404),
    )
    async def create_package(
        self, principal: CurrentPrincipal, service_id: FromPath[str], data: JSONBody[PackageIn]
    ) -> Envelope[PackageOut]:
        # Seed 003 8.2.
        """Priced in the service's currency; `features` needs at least one
        item; `compare_at_price` (the price before a discount) is not below `price`. Without
        `display_order` the package goes last. At most 20 per service."""
        return ok(
            await packages.create(principal, service_id, data), "Package created successfully"
        )

    @put(
        "/{service_id:str}/packages/reorder",
        summary="Reorder packages",
        responses=errors(401, 404),
    )
    async def reorder_packages(
        self,
        principal: CurrentPrincipal,
        service_id: FromPath[str],
        data: JSONBody[PackageReorderIn],
    ) -> Envelope[list[PackageOut]]:
        # Seed 003 8.5.
        """`order: [{package_id, display_order}]`. Every id must be a package
        of this service, each once (400 on `order.N.package_id`); packages left out keep
        their order. Answers the packages in their new order."""
        return ok(
            await packages.reorder(principal, service_id, data),
            "Packages reordered successfully",
        )

    @put(
        "/{service_id:str}/packages/{package_id:str}",
        summary="Update a package",
        middleware=[FormAsJson()],
        responses=errors(401, 404),
    )
    async def update_package(
        self,
        principal: CurrentPrincipal,
        service_id: FromPath[str],
        package_id: FromPath[str],
        data: JSONBody[PackageUpdateIn],
    ) -> Envelope[PackageOut]:
        # Seed 003 8.3.
        """Send only what changes."""
        return ok(
            await packages.update(principal, service_id, package_id, data),
            "Package updated successfully",
        )

    @delete(
        "/{service_id:str}/packages/{package_id:str}",
        status_code=200,
        summary="Delete a package",
        responses=errors(401, 404, 409),
    )
    async def delete_package(
        self, principal: CurrentPrincipal, service_id: FromPath[str], package_id: FromPath[str]
    ) -> Envelope[None]:
        # Seed 003 8.4.
        """While it has active bookings: 409 `IN_USE`."""
        await packages.delete(principal, service_id, package_id)
        return ok(None, "Package deleted successfully")
