from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import Account, Outbox, register


@pytest.fixture
async def alice(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await register(client, outbox, first_name="Alice")


@pytest.fixture
async def bob(client: httpx.AsyncClient, outbox: Outbox) -> Account:
    return await register(client, outbox, first_name="Bob")


async def upload(
    client: httpx.AsyncClient,
    account: Account,
    content: bytes,
    filename: str = "photo.jpg",
    context: str = "event_cover",
    *,
    content_type: str = "image/jpeg",
    path: str = "/uploads/direct",
    **fields: Any,
) -> httpx.Response:
    form = {"context": context, **fields} if context else dict(fields)
    return await client.post(
        path,
        headers=account.headers,
        files={"file": (filename, content, content_type)},
        data=form,
    )
