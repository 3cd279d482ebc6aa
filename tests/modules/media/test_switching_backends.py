"""Switching ``KWIKA_MEDIA__BACKEND``: every file stays on the backend that stored it and is
served, signed, deleted and swept there; the setting only decides where new files go.

Each test restarts the application on the same data (the embedded engine's data file,
the same media directory) with other settings, as an operator would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika.asgi import create_app
from kwika.config import Settings
from kwika.core import clock
from kwika.core.broker import drain, enqueue
from kwika.core.redis import RedisEndpoint
from kwika.modules import media
from kwika.modules.media import tasks
from kwika.modules.media.service import BackendUnavailable
from tests.conftest import make_settings
from tests.fakes.cloudinary import API_KEY, API_SECRET, CLOUD, CloudinaryServer, FakeCloudinary
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import Account, Outbox, body, data, register

LOCAL_MEDIA = "http://localhost:8000/api/v1/media"


@pytest.fixture
def cloudinary() -> Iterator[FakeCloudinary]:
    with CloudinaryServer() as fake:
        yield fake


def configure(tmp_path: Path, backend: str, cloudinary: FakeCloudinary | None = None) -> Settings:
    """Settings sharing one database file and one media directory; Cloudinary's account
    only when ``cloudinary`` is given."""
    account: dict[str, Any] = {}
    if cloudinary is not None:
        account = {
            "cloud_name": CLOUD,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "upload_prefix": cloudinary.base_url,
            "folder": "kwika-test",
        }
    return make_settings(
        tmp_path,
        embedded_data_file=tmp_path / "data.json",
        media={"backend": backend, "root": tmp_path / "media"},
        cloudinary=account,
    )


@asynccontextmanager
async def running(
    settings: Settings, redis_endpoint: RedisEndpoint
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/api/v1"
        ) as http,
    ):
        yield http


async def listing(http: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    response = await http.get("/uploads", headers=account.headers)
    assert response.status_code == 200, response.text
    return data(response)


def files_on_disk(tmp_path: Path) -> list[Path]:
    root = tmp_path / "media"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


async def upload_resume(http: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    response = await upload(
        http, account, samples.PDF, "cv.pdf", "guide_resume", content_type="application/pdf"
    )
    assert response.status_code == 201, response.text
    return data(response)


async def test_local_files_keep_working_after_switching_to_cloudinary(
    tmp_path, redis_endpoint, cloudinary
):
    first = configure(tmp_path, "local")
    outbox = Outbox(first.outbox_path, drain)
    async with running(first, redis_endpoint) as http:
        alice = await register(http, outbox)
        photo = data(await upload(http, alice, samples.jpeg((800, 600)), "a.jpg"))
        resume = await upload_resume(http, alice)
    assert photo["file_url"].startswith(f"{LOCAL_MEDIA}/public/event_cover/")
    assert len(files_on_disk(tmp_path)) == 3  # photo, its thumbnail, resume

    async with running(configure(tmp_path, "cloudinary", cloudinary), redis_endpoint) as http:
        # The old public file is still served by the API from the local disk.
        served = await http.get(photo["file_url"])
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/jpeg"
        # The old private file gets a fresh link signed for the local disk.
        status = data(await http.get(f"/uploads/{resume['id']}", headers=alice.headers))
        assert status["file_url"].startswith(f"{LOCAL_MEDIA}/private/guide_resume/")
        assert (await http.get(status["file_url"])).content == samples.PDF
        # New files go to Cloudinary.
        new = data(await upload(http, alice, samples.jpeg(), "b.jpg"))
        assert new["file_url"].startswith(f"{cloudinary.base_url}/{CLOUD}/image/upload/")
        assert len(cloudinary.assets) == 2
        assert len(files_on_disk(tmp_path)) == 3

        # The old files are deleted where they are; Cloudinary is not asked.
        for old in (photo, resume):
            deleted = await http.delete(f"/uploads/{old['id']}", headers=alice.headers)
            assert deleted.status_code == 200, deleted.text
        assert files_on_disk(tmp_path) == []
        assert (await http.get(photo["file_url"])).status_code == 404
        assert [action for action, _ in cloudinary.calls] == ["upload", "upload"]
        listed = await listing(http, alice)
        assert [item["id"] for item in listed["items"]] == [new["id"]]
        assert listed["storage_used"] == sum(len(a.data) for a in cloudinary.assets.values())

        # And the new file is deleted on Cloudinary.
        assert (await http.delete(f"/uploads/{new['id']}", headers=alice.headers)).is_success
        assert cloudinary.assets == {}
        assert (await listing(http, alice))["storage_used"] == 0


async def test_the_sweeper_expires_an_abandoned_local_upload_after_the_switch(
    tmp_path, redis_endpoint, cloudinary
):
    first = configure(tmp_path, "local")
    outbox = Outbox(first.outbox_path, drain)
    async with running(first, redis_endpoint) as http:
        alice = await register(http, outbox)
        ticket = data(
            await http.post(
                "/uploads/request",
                headers=alice.headers,
                json={
                    "filename": "a.jpg",
                    "content_type": "image/jpeg",
                    "size": 5000,
                    "context": "event_cover",
                },
            )
        )
        received = data(await http.put(ticket["upload_url"], content=samples.jpeg()))
    assert received["status"] == "uploaded"
    assert files_on_disk(tmp_path)

    async with running(configure(tmp_path, "cloudinary", cloudinary), redis_endpoint) as http:
        clock.travel(timedelta(minutes=16))  # never confirmed
        await enqueue(tasks.sweep)
        await drain()

        status = data(await http.get(f"/uploads/{ticket['upload_id']}", headers=alice.headers))
        assert status["status"] == "expired"
        assert files_on_disk(tmp_path) == []
        assert (await listing(http, alice))["storage_used"] == 0
        assert cloudinary.calls == []


async def test_files_on_cloudinary_answer_503_while_its_settings_are_gone(
    tmp_path, redis_endpoint, cloudinary, media_log
):
    first = configure(tmp_path, "cloudinary", cloudinary)
    outbox = Outbox(first.outbox_path, drain)
    async with running(first, redis_endpoint) as http:
        alice = await register(http, outbox)
        photo = data(await upload(http, alice, samples.jpeg(), "a.jpg"))
        resume = await upload_resume(http, alice)
        await media.attach(photo["id"], alice.id, ("service", "s1", "Photography"))
        used = (await listing(http, alice))["storage_used"]
    assert len(cloudinary.assets) == 3

    # Back to the local disk, and the Cloudinary account removed from the settings.
    async with running(configure(tmp_path, "local"), redis_endpoint) as http:
        assert media_log == [
            "2 media files are kept on 'cloudinary', which is not configured "
            "(KWIKA_CLOUDINARY__CLOUD_NAME, KWIKA_CLOUDINARY__API_KEY, "
            "KWIKA_CLOUDINARY__API_SECRET not set): their private links and deletion "
            "answer 503 until it is"
        ]
        media_log.clear()

        # The private file cannot be signed: a clear 503, reported in the log.
        status = await http.get(f"/uploads/{resume['id']}", headers=alice.headers)
        assert status.status_code == 503
        assert body(status)["code"] == "SERVICE_UNAVAILABLE"
        assert body(status)["message"].startswith("This file is kept on a storage service")
        assert len(media_log) == 1
        assert resume["id"] in media_log[0]
        assert "'cloudinary', which is not configured" in media_log[0]

        # Lists still answer: that file without a link, the public one with its CDN URL.
        listed = await listing(http, alice)
        urls = {item["id"]: item["file_url"] for item in listed["items"]}
        assert urls == {resume["id"]: None, photo["id"]: photo["file_url"]}

        # Deleting it is a 503 too, and nothing changes.
        deleted = await http.delete(f"/uploads/{resume['id']}", headers=alice.headers)
        assert deleted.status_code == 503
        assert (await listing(http, alice))["storage_used"] == used

        # Another module deleting the object that used the photo is not blocked: the file
        # stays, no longer used, for later.
        assert await media.delete(photo["id"]) is False
        kept = data(await http.get(f"/uploads/{photo['id']}", headers=alice.headers))
        assert kept["used_by"] == []

        # Account erasure deletes what it can and asks to be retried for the rest.
        local = data(await upload(http, alice, samples.png(), "c.png"))
        assert local["file_url"].startswith(LOCAL_MEDIA)
        with pytest.raises(BackendUnavailable):
            await media.purge_owner(alice.id)
        listed = await listing(http, alice)
        assert {item["id"] for item in listed["items"]} == {photo["id"], resume["id"]}
        assert files_on_disk(tmp_path) == []
    assert len(cloudinary.assets) == 3

    # Both backends configured at once: local for new files, Cloudinary for the old ones.
    async with running(configure(tmp_path, "local", cloudinary), redis_endpoint) as http:
        status = data(await http.get(f"/uploads/{resume['id']}", headers=alice.headers))
        assert status["file_url"].startswith(f"{cloudinary.base_url}/v1_1/{CLOUD}/raw/download")
        async with httpx.AsyncClient() as outside:
            assert (await outside.get(status["file_url"])).content == samples.PDF
        for old in (photo, resume):
            deleted = await http.delete(f"/uploads/{old['id']}", headers=alice.headers)
            assert deleted.status_code == 200, deleted.text
        assert cloudinary.assets == {}
        assert await listing(http, alice) | {"pagination": None} == {
            "items": [],
            "pagination": None,
            "storage_used": 0,
            "storage_limit": listed["storage_limit"],
        }
