from __future__ import annotations

import httpx
import pytest

from tests.support import Account, Outbox, make_provider, register


@pytest.fixture
async def vendor(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await make_provider(
        client,
        outbox,
        first_name="Amina",
        kinds=("vendor",),
        district="Kinondoni",
        address="Plot 12, Mwenge",
        latitude=-6.7712,
        longitude=39.2401,
        service_radius_km=15,
    )


@pytest.fixture
async def rival(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await make_provider(client, outbox, first_name="Rehema")


@pytest.fixture
async def client_user(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await register(client, outbox, first_name="Juma")
