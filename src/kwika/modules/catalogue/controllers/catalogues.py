"""Catalogues and categories of a company (seed 000 1.4)."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody

from kwika.core.auth import CurrentPrincipal, OptionalPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson
from kwika.core.pagination import Page, Paging
from kwika.modules.catalogue.schemas import (
    CatalogueIn,
    CatalogueOut,
    CatalogueUpdateIn,
    CategoryBulkIn,
    CategoryBulkOut,
    CategoryIn,
    CategoryOut,
    CategoryUpdateIn,
)
from kwika.modules.catalogue.services import catalogues

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class CataloguesController(Controller):
    tags = ["Catalogues"]

    @post(
        "/companies/{company_id:str}/catalogues",
        summary="Create a catalogue",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404, 409),
    )
    async def create_catalogue(
        self, principal: CurrentPrincipal, company_id: FromPath[str], data: JSONBody[CatalogueIn]
    ) -> Envelope[CatalogueOut]:
        """In one of your companies (another provider's company is 404). Names are unique
        per company (409, field `name`, case-insensitive)."""
        return ok(
            await catalogues.create_catalogue(principal, company_id, data),
            "Catalogue created successfully",
        )

    @get(
        "/companies/{company_id:str}/catalogues",
        summary="A company's catalogues",
        responses=errors(404),
    )
    async def list_catalogues(
        self, company_id: FromPath[str], paging: Paging, viewer: OptionalPrincipal
    ) -> Envelope[Page[CatalogueOut]]:
        """Public, in `display_order`, with how many services each holds. Everyone sees the
        active catalogues (`is_active: true`); the company's owner, signed in, sees the
        switched-off ones too."""
        return ok(
            await catalogues.list_catalogues(company_id, paging, viewer.id if viewer else None),
            "Catalogues retrieved successfully",
        )

    @put(
        "/catalogues/{catalogue_id:str}",
        summary="Update my catalogue",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404, 409),
    )
    async def update_catalogue(
        self,
        principal: CurrentPrincipal,
        catalogue_id: FromPath[str],
        data: JSONBody[CatalogueUpdateIn],
    ) -> Envelope[CatalogueOut]:
        """Send only what changes. Another provider's catalogue is 404."""
        return ok(
            await catalogues.update_catalogue(principal, catalogue_id, data),
            "Catalogue updated successfully",
        )

    @delete(
        "/catalogues/{catalogue_id:str}",
        status_code=200,
        summary="Delete my catalogue",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def delete_catalogue(
        self, principal: CurrentPrincipal, catalogue_id: FromPath[str]
    ) -> Envelope[None]:
        """Its services stay, outside any catalogue."""
        await catalogues.delete_catalogue(principal, catalogue_id)
        return ok(None, "Catalogue deleted successfully")

    @post(
        "/companies/{company_id:str}/categories/bulk",
        status_code=200,
        summary="Create or update categories",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def bulk_categories(
        self,
        principal: CurrentPrincipal,
        company_id: FromPath[str],
        data: JSONBody[CategoryBulkIn],
    ) -> Envelope[CategoryBulkOut]:
        # Seed 000 1.4.
        """`categories: [{name, description}]` (1 to 100). Each is matched to
        the company's categories by name, case-insensitively: new names are `created`,
        known ones `updated` (their spelling follows the request; a `description` left out
        is kept). A name twice in one request is a 400 on the repeat."""
        return ok(
            await catalogues.bulk_categories(principal, company_id, data),
            "Categories saved successfully",
        )

    @post(
        "/companies/{company_id:str}/categories",
        summary="Create a category",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404, 409),
    )
    async def create_category(
        self, principal: CurrentPrincipal, company_id: FromPath[str], data: JSONBody[CategoryIn]
    ) -> Envelope[CategoryOut]:
        """One category of one of your companies. A name the company already has
        (case-insensitively) is 409 on `name`; to create or update many by name, use
        `/categories/bulk`."""
        return ok(
            await catalogues.create_category(principal, company_id, data),
            "Category created successfully",
        )

    @put(
        "/categories/{category_id:str}",
        summary="Update my category",
        guards=[require_user],
        security=BEARER,
        middleware=[FormAsJson()],
        responses=errors(401, 404, 409),
    )
    async def update_category(
        self,
        principal: CurrentPrincipal,
        category_id: FromPath[str],
        data: JSONBody[CategoryUpdateIn],
    ) -> Envelope[CategoryOut]:
        """Rename or describe it; another category's name is 409. Another provider's
        category is 404."""
        return ok(
            await catalogues.update_category(principal, category_id, data),
            "Category updated successfully",
        )

    @get(
        "/companies/{company_id:str}/categories",
        summary="A company's categories",
        responses=errors(404),
    )
    async def list_categories(
        self, company_id: FromPath[str], paging: Paging
    ) -> Envelope[Page[CategoryOut]]:
        """Public, by name, paginated (`page`, `limit` up to 100; `data.items` and
        `data.pagination` like every list)."""
        return ok(
            await catalogues.list_categories(company_id, paging),
            "Categories retrieved successfully",
        )

    @delete(
        "/categories/{category_id:str}",
        status_code=200,
        summary="Delete my category",
        guards=[require_user],
        security=BEARER,
        responses=errors(401, 404),
    )
    async def delete_category(
        self, principal: CurrentPrincipal, category_id: FromPath[str]
    ) -> Envelope[None]:
        """Its services stay, uncategorised."""
        await catalogues.delete_category(principal, category_id)
        return ok(None, "Category deleted successfully")
