"""The Cloudinary backend, through the API, against a local fake of Cloudinary's Upload API."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from kwika.config import Settings
from kwika.core import clock
from kwika.modules import media
from tests.conftest import make_settings
from tests.fakes.cloudinary import API_KEY, API_SECRET, CLOUD, CloudinaryServer, FakeCloudinary
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data


@pytest.fixture
def cloudinary() -> Iterator[FakeCloudinary]:
    with CloudinaryServer() as fake:
        yield fake


@pytest.fixture
def settings(tmp_path: Path, cloudinary: FakeCloudinary) -> Settings:
    return make_settings(
        tmp_path,
        media={"backend": "cloudinary", "root": tmp_path / "media"},
        cloudinary={
            "cloud_name": CLOUD,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "upload_prefix": cloudinary.base_url,
            "folder": "kwika-test",
        },
    )


async def download(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.get(url)


async def test_images_are_processed_here_and_stored_on_cloudinary(client, alice, cloudinary):
    response = await upload(client, alice, samples.jpeg((900, 600), exif=True), "a.jpg")

    assert response.status_code == 201, response.text
    file = data(response)
    assert file["file_url"].startswith(f"{cloudinary.base_url}/{CLOUD}/image/upload/")
    main = cloudinary.asset(file["file_url"].split("/v1/")[1].rsplit(".", 1)[0])
    assert main is not None
    assert main.public_id.startswith("kwika-test/public/event_cover/")
    assert main.type == "upload"
    assert len(cloudinary.assets) == 2  # the file and its thumbnail
    delivered = await download(file["file_url"])
    assert delivered.status_code == 200
    picture = Image.open(io.BytesIO(delivered.content))
    assert picture.size == (900, 600)
    assert dict(picture.getexif()) == {}
    assert b"SpyCam" not in delivered.content
    # The SDK signed every call with the API secret (the fake checks it).
    assert all(fields.get("signature") for action, fields in cloudinary.calls)


async def test_private_documents_use_expiring_signed_download_urls(client, alice, cloudinary):
    file = data(
        await upload(
            client,
            alice,
            samples.PDF,
            "cv.pdf",
            path="/upload/document",
            context="",
            content_type="application/pdf",
        )
    )

    (asset,) = cloudinary.assets.values()
    assert asset.resource_type == "raw"
    assert asset.type == "private"
    assert asset.public_id.endswith(".pdf")
    assert file["file_url"].startswith(f"{cloudinary.base_url}/v1_1/{CLOUD}/raw/download?")
    fetched = await download(file["file_url"])
    assert fetched.status_code == 200
    assert fetched.content == samples.PDF
    assert fetched.headers["content-disposition"] == "attachment"

    # A link signed for a time already past is refused by Cloudinary.
    clock.travel(timedelta(hours=-3))
    stale = data(await client.get(f"/uploads/{file['id']}", headers=alice.headers))["file_url"]
    assert (await download(stale)).status_code == 401


async def test_deleting_a_file_destroys_it_on_cloudinary(client, alice, cloudinary):
    file = data(await upload(client, alice, samples.jpeg(), "a.jpg"))
    assert len(cloudinary.assets) == 2

    response = await client.delete(f"/uploads/{file['id']}", headers=alice.headers)

    assert response.status_code == 200
    assert cloudinary.assets == {}
    assert [action for action, _ in cloudinary.calls].count("destroy") == 2
    assert data(await client.get("/uploads", headers=alice.headers))["storage_used"] == 0


async def test_replacing_an_avatar_destroys_the_old_one(client, alice, cloudinary):
    await client.post(
        "/users/profile/picture",
        headers=alice.headers,
        files={"file": ("a.jpg", samples.jpeg(), "image/jpeg")},
    )
    second = await client.post(
        "/users/profile/picture",
        headers=alice.headers,
        files={"file": ("b.png", samples.png(), "image/png")},
    )

    assert second.status_code == 200
    assert len(cloudinary.assets) == 2
    assert all(
        a.public_id.startswith("kwika-test/public/avatar/") for a in cloudinary.assets.values()
    )
    profile = data(await client.get("/users/me", headers=alice.headers))
    assert profile["avatar"] == data(second)["file_url"]


async def test_a_cloudinary_failure_is_a_503_and_costs_no_quota(client, alice, cloudinary):
    cloudinary.fail_uploads = True

    response = await upload(client, alice, samples.jpeg(), "a.jpg")

    assert response.status_code == 503
    assert body(response)["code"] == "SERVICE_UNAVAILABLE"
    listed = data(await client.get("/uploads", headers=alice.headers))
    assert listed["storage_used"] == 0
    assert listed["items"] == []


async def test_store_from_another_module_goes_to_cloudinary_too(client, alice, cloudinary):
    logo = await media.store(alice.id, "company_logo", "logo.webp", samples.webp())

    assert logo.file_url is not None
    assert logo.file_url.startswith(cloudinary.base_url)
    assert (await download(logo.file_url)).status_code == 200
