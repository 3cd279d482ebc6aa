from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import Account, Outbox, register


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def media_log() -> Iterator[list[str]]:
    """Warnings and errors the media module logs (the app replaces the root handlers, so
    pytest's ``caplog`` does not see them)."""
    collect = _Collect()
    logger = logging.getLogger("kwika.modules.media")
    logger.addHandler(collect)
    yield collect.messages
    logger.removeHandler(collect)


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
