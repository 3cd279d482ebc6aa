from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import (
    Account,
    Outbox,
    data,
    make_company,
    make_provider,
    reference_ids,
    register,
)

PHOTOGRAPHY = "Photography and Videography"


@pytest.fixture
async def vendor(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await make_provider(client, outbox, first_name="Amina")


@pytest.fixture
async def rival(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await make_provider(client, outbox, first_name="Rehema")


@pytest.fixture
async def client_user(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await register(client, outbox, first_name="Juma")


@pytest.fixture
async def company(client: httpx.AsyncClient, vendor: Account) -> dict[str, Any]:
    return await make_company(client, vendor, name="Amina Studio")


@pytest.fixture
async def photography(client: httpx.AsyncClient) -> dict[str, str]:
    return await reference_ids(client, PHOTOGRAPHY)


async def create_service(
    client: httpx.AsyncClient, account: Account, **fields: Any
) -> dict[str, Any]:
    payload = {
        "title": "Wedding photos",
        "description": "Full-day coverage",
        "price": "500000",
        **fields,
    }
    response = await client.post("/user-services", headers=account.headers, json=payload)
    assert response.status_code == 201, response.text
    return data(response)
