"""The Cloudinary adapter on its own, against the local fake of the Upload API."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kwika.config import CloudinarySettings
from kwika.integrations.cloudinary import CloudinaryStorage
from kwika.integrations.storage import StorageError
from tests.fakes.cloudinary import API_KEY, API_SECRET, CLOUD, CloudinaryServer, FakeCloudinary


@pytest.fixture
def fake() -> Iterator[FakeCloudinary]:
    with CloudinaryServer() as server:
        yield server


def adapter(fake: FakeCloudinary, secret: str = API_SECRET) -> CloudinaryStorage:
    return CloudinaryStorage(
        CloudinarySettings(
            cloud_name=CLOUD,
            api_key=API_KEY,
            api_secret=secret,
            upload_prefix=fake.base_url,
            folder="app",
        )
    )


async def test_save_then_delete_a_public_image(fake):
    storage = adapter(fake)

    stored = await storage.save(
        "public/avatar/2026/01/abc.jpg",
        io.BytesIO(b"jpeg-bytes"),
        kind="image",
        ext="jpg",
        private=False,
    )

    assert stored.key == "app/public/avatar/2026/01/abc"
    assert stored.size == len(b"jpeg-bytes")
    assert stored.url is not None
    async with httpx.AsyncClient() as http:
        assert (await http.get(stored.url)).content == b"jpeg-bytes"
    await storage.delete(stored.key, kind="image", ext="jpg", private=False)
    assert fake.assets == {}
    # Deleting what is already gone is fine.
    await storage.delete(stored.key, kind="image", ext="jpg", private=False)


async def test_private_raw_files_get_signed_expiring_urls(fake):
    storage = adapter(fake)
    stored = await storage.save(
        "private/kyc_document/2026/01/abc.pdf",
        io.BytesIO(b"%PDF-"),
        kind="document",
        ext="pdf",
        private=True,
    )

    later = datetime.now(UTC) + timedelta(minutes=5)
    url = storage.private_url(
        stored.key, kind="document", ext="pdf", filename="id.pdf", expires_at=later
    )
    async with httpx.AsyncClient() as http:
        assert stored.url is None
        assert (await http.get(url)).content == b"%PDF-"
        assert (await http.get(url.replace("expires_at=", "expires_at=9"))).status_code == 401


async def test_a_wrong_secret_or_an_outage_is_a_storage_error(fake):
    with pytest.raises(StorageError):
        await adapter(fake, secret="wrong").save(
            "public/avatar/2026/01/abc.jpg",
            io.BytesIO(b"x"),
            kind="image",
            ext="jpg",
            private=False,
        )
    fake.fail_uploads = True
    with pytest.raises(StorageError):
        await adapter(fake).save(
            "public/avatar/2026/01/abc.jpg",
            io.BytesIO(b"x"),
            kind="image",
            ext="jpg",
            private=False,
        )


def test_credentials_are_required():
    with pytest.raises(ValueError, match="CLOUD_NAME"):
        CloudinaryStorage(CloudinarySettings())


def test_missing_names_every_empty_setting():
    assert CloudinarySettings().missing() == [
        "KWIKA_CLOUDINARY__CLOUD_NAME",
        "KWIKA_CLOUDINARY__API_KEY",
        "KWIKA_CLOUDINARY__API_SECRET",
    ]
    partial = CloudinarySettings(cloud_name=CLOUD, api_key=" ", api_secret=API_SECRET)
    assert partial.missing() == ["KWIKA_CLOUDINARY__API_KEY"]
    assert not partial.configured
    with pytest.raises(ValueError, match=r"^Cloudinary needs KWIKA_CLOUDINARY__API_KEY$"):
        CloudinaryStorage(partial)
    assert CloudinarySettings(cloud_name=CLOUD, api_key=API_KEY, api_secret=API_SECRET).configured


async def test_an_unreachable_api_is_a_storage_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    storage = CloudinaryStorage(
        CloudinarySettings(
            cloud_name=CLOUD,
            api_key=API_KEY,
            api_secret=API_SECRET,
            upload_prefix=f"http://127.0.0.1:{port}",
            timeout_seconds=5,
        )
    )
    with pytest.raises(StorageError, match="Cloudinary"):
        await storage.save(
            "public/avatar/2026/01/abc.jpg",
            io.BytesIO(b"x"),
            kind="image",
            ext="jpg",
            private=False,
        )
    with pytest.raises(StorageError, match="Cloudinary"):
        await storage.delete(
            "app/public/avatar/2026/01/abc", kind="image", ext="jpg", private=False
        )
