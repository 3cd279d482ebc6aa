"""The embedded default runs the ranking actor on its schedule: nobody enqueues it by hand."""

from __future__ import annotations

import asyncio

import pytest

from kwika.core.broker import drain
from tests.conftest import make_settings
from tests.support import data, make_provider, reference_ids

WAIT_SECONDS = 20  # a deadline for a slow machine, not a speed assertion


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, ranking_interval_seconds=1)


async def test_the_scheduler_flushes_page_views_into_the_featured_list(client, outbox, settings):
    assert settings.scheduler_enabled
    vendor = await make_provider(client, outbox)
    refs = await reference_ids(client, "Photography and Videography")
    created = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={
            "title": "Busy Studio",
            "description": "Photos",
            "price": "100000",
            "service_type_id": refs["Wedding Photography"],
        },
    )
    service_id = data(created)["id"]
    for _ in range(3):
        assert (await client.get(f"/services/{service_id}")).status_code == 200

    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        await drain()
        featured = data(await client.get("/services/featured"))["items"]
        if featured and featured[0]["access_count"] == 3:
            break
        assert loop.time() < deadline, f"views never flushed: {featured}"
        await asyncio.sleep(0.2)
    assert featured[0]["id"] == service_id
    assert featured[0]["ranking_score"] > 0
