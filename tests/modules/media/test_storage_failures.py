"""When a storage backend fails: a clear answer, the reserved quota given back, nothing kept.
And the Cloudinary settings are checked when the process starts, not at the first upload."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika.asgi import create_app
from kwika.config import Settings
from kwika.integrations.storage import LocalStorage
from kwika.modules.media.service import MediaConfigError
from tests.conftest import make_settings
from tests.fakes.cloudinary import API_KEY, API_SECRET, CLOUD, CloudinaryServer, FakeCloudinary
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import Account, body, data


def cloudinary_settings(tmp_path: Path, upload_prefix: str, **overrides: object) -> Settings:
    return make_settings(
        tmp_path,
        media={"backend": "cloudinary", "root": tmp_path / "media"},
        cloudinary={
            "cloud_name": CLOUD,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "upload_prefix": upload_prefix,
            "folder": "kwika-test",
            **overrides,
        },
    )


async def usage(client: httpx.AsyncClient, account: Account) -> tuple[int, list[str]]:
    listed = data(await client.get("/uploads", headers=account.headers))
    return listed["storage_used"], [item["id"] for item in listed["items"]]


def assert_storage_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    envelope = body(response)
    assert envelope["success"] is False
    assert envelope["code"] == "SERVICE_UNAVAILABLE"
    assert envelope["message"] == "The file could not be stored right now. Please try again."
    assert response.headers["retry-after"] == "5"


# ---------------------------------------------------------------- start-up check


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (
            {},
            "KWIKA_CLOUDINARY__CLOUD_NAME, KWIKA_CLOUDINARY__API_KEY, KWIKA_CLOUDINARY__API_SECRET",
        ),
        ({"cloud_name": CLOUD, "api_key": API_KEY, "api_secret": "  "}, "API_SECRET"),
    ],
)
async def test_cloudinary_without_its_settings_stops_the_process_at_start(
    tmp_path, redis_endpoint, given, missing
):
    settings = make_settings(tmp_path, media={"backend": "cloudinary"}, cloudinary=given)
    app = create_app(settings, redis_endpoint=redis_endpoint)

    with pytest.raises(ExceptionGroup) as failure:  # Litestar groups lifespan errors
        async with LifespanManager(app, startup_timeout=30):
            pass  # pragma: no cover - start-up must fail

    assert failure.group_contains(MediaConfigError, depth=1)
    (error,) = failure.value.exceptions
    message = str(error)
    assert message.startswith("KWIKA_MEDIA__BACKEND=cloudinary needs ")
    assert missing in message
    if not given:
        assert message.count("KWIKA_CLOUDINARY__") == 3


async def test_incomplete_cloudinary_settings_are_only_a_warning_for_the_local_backend(
    tmp_path, redis_endpoint, media_log
):
    settings = make_settings(tmp_path, cloudinary={"cloud_name": CLOUD, "api_key": API_KEY})
    app = create_app(settings, redis_endpoint=redis_endpoint)

    async with LifespanManager(app, startup_timeout=30):
        pass

    assert media_log == ["Cloudinary is not used: KWIKA_CLOUDINARY__API_SECRET not set"]


# ---------------------------------------------------------------- Cloudinary failing


@pytest.fixture
def cloudinary() -> Iterator[FakeCloudinary]:
    with CloudinaryServer() as fake:
        yield fake


class TestCloudinaryFailing:
    @pytest.fixture
    def settings(self, tmp_path: Path, cloudinary: FakeCloudinary) -> Settings:
        return cloudinary_settings(tmp_path, cloudinary.base_url)

    async def test_an_error_answer_gives_the_quota_back(self, client, alice, cloudinary):
        kept = data(await upload(client, alice, samples.jpeg(), "kept.jpg"))
        before = await usage(client, alice)
        assets = dict(cloudinary.assets)
        cloudinary.fail_uploads = True

        response = await upload(client, alice, samples.jpeg((800, 600)), "a.jpg")

        assert_storage_unavailable(response)
        assert await usage(client, alice) == before
        assert before[1] == [kept["id"]]
        assert cloudinary.assets == assets

    async def test_a_failure_after_the_main_file_removes_it_again(self, client, alice, cloudinary):
        cloudinary.fail_uploads_after = 1  # the file is stored, its thumbnail fails

        response = await upload(client, alice, samples.jpeg(), "a.jpg")

        assert_storage_unavailable(response)
        assert await usage(client, alice) == (0, [])
        assert cloudinary.assets == {}
        assert [action for action, _ in cloudinary.calls] == ["upload", "upload", "destroy"]

    async def test_a_signed_upload_stays_pending_and_can_be_sent_again(
        self, client, alice, cloudinary
    ):
        ticket = data(
            await client.post(
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
        cloudinary.fail_uploads = True

        failed = await client.put(ticket["upload_url"], content=samples.jpeg())

        assert_storage_unavailable(failed)
        status = data(await client.get(f"/uploads/{ticket['upload_id']}", headers=alice.headers))
        assert status["status"] == "pending"
        assert (await usage(client, alice))[0] == 0
        cloudinary.fail_uploads = False
        sent = await client.put(ticket["upload_url"], content=samples.jpeg())
        assert sent.status_code == 200, sent.text
        assert data(sent)["status"] == "uploaded"


class TestCloudinaryUnreachable:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return cloudinary_settings(tmp_path, f"http://127.0.0.1:{port}", timeout_seconds=5)

    async def test_an_upload_is_a_503_and_costs_no_quota(self, client, alice):
        response = await upload(client, alice, samples.jpeg(), "a.jpg")

        assert_storage_unavailable(response)
        assert await usage(client, alice) == (0, [])

    async def test_a_profile_picture_is_a_503_and_the_avatar_is_unchanged(self, client, alice):
        response = await client.post(
            "/users/profile/picture",
            headers=alice.headers,
            files={"file": ("me.jpg", samples.jpeg(), "image/jpeg")},
        )

        assert_storage_unavailable(response)
        assert data(await client.get("/users/me", headers=alice.headers)).get("avatar") is None
        assert await usage(client, alice) == (0, [])


# ---------------------------------------------------------------- the local disk failing


class TestLocalDiskFailing:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        # The designated directory is a regular file: every write fails, even as root.
        blocker = tmp_path / "not-a-directory"
        blocker.write_bytes(b"")
        return make_settings(tmp_path, media={"root": blocker})

    async def test_an_upload_is_a_503_and_costs_no_quota(self, client, alice):
        response = await upload(
            client, alice, samples.PDF, "cv.pdf", "guide_resume", content_type="application/pdf"
        )

        assert_storage_unavailable(response)
        assert await usage(client, alice) == (0, [])


async def test_an_unexpected_backend_error_is_a_503_too(client, alice, monkeypatch):
    async def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug in an adapter")

    monkeypatch.setattr(LocalStorage, "save", broken)

    response = await upload(client, alice, samples.jpeg(), "a.jpg")

    assert_storage_unavailable(response)
    assert await usage(client, alice) == (0, [])
