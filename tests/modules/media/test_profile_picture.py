"""Seed 001 7.2 / seed 004 2.4: profile pictures are 400x400, JPG/PNG/GIF/WebP up to 5 MB,
and the previous one is deleted."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.modules.media import samples
from tests.support import body, data


async def send_picture(client, account, content, name="me.jpg", path="/users/profile/picture"):
    return await client.post(
        path, headers=account.headers, files={"file": (name, content, "image/jpeg")}
    )


async def test_a_picture_becomes_my_400x400_avatar(client, alice):
    response = await send_picture(client, alice, samples.jpeg((1600, 900), exif=True))

    assert response.status_code == 200, response.text
    picture = data(response)
    assert picture["dimensions"] == {"width": 400, "height": 400}
    assert picture["used_by"] == [{"type": "user_avatar", "id": alice.id, "title": None}]
    profile = data(await client.get("/users/me", headers=alice.headers))
    assert profile["avatar"] == picture["file_url"]
    stored = Image.open(io.BytesIO((await client.get(picture["file_url"])).content))
    assert stored.size == (400, 400)
    assert dict(stored.getexif()) == {}
    thumbnail = Image.open(io.BytesIO((await client.get(picture["thumbnail_url"])).content))
    assert thumbnail.size == (100, 100)


async def test_replacing_the_picture_deletes_the_old_one(client, alice):
    first = data(await send_picture(client, alice, samples.jpeg()))

    second = data(
        await send_picture(client, alice, samples.png(), "me.png", "/users/me/upload-avatar")
    )

    assert (await client.get(first["file_url"])).status_code == 404
    assert (await client.get(first["thumbnail_url"])).status_code == 404
    assert (await client.get(second["file_url"])).status_code == 200
    listed = data(await client.get("/uploads", headers=alice.headers))
    assert [item["id"] for item in listed["items"]] == [second["id"]]
    assert listed["storage_used"] == second["file_size"] + len(
        (await client.get(second["thumbnail_url"])).content
    )
    profile = data(await client.get("/users/me", headers=alice.headers))
    assert profile["avatar"] == second["file_url"]


async def test_the_avatar_in_use_cannot_be_deleted_through_uploads(client, alice):
    picture = data(await send_picture(client, alice, samples.jpeg()))

    response = await client.delete(f"/uploads/{picture['id']}", headers=alice.headers)

    assert response.status_code == 400
    assert body(response)["data"]["used_by"][0]["type"] == "user_avatar"


@pytest.mark.parametrize(
    ("content", "expected_type"),
    [(samples.gif(), "image/png"), (samples.webp(), "image/webp"), (samples.png(), "image/png")],
)
async def test_gif_webp_and_png_pictures_are_accepted(client, alice, content, expected_type):
    response = await send_picture(client, alice, content, "me.gif")

    assert response.status_code == 200
    assert data(response)["content_type"] == expected_type


async def test_non_images_and_oversized_pictures_are_refused(client, alice):
    pdf = await send_picture(client, alice, samples.PDF, "me.jpg")
    huge = await send_picture(
        client, alice, samples.jpeg((100, 100)) + b"\x00" * (5 * 1024 * 1024 + 1), "me.jpg"
    )

    assert pdf.status_code == 400
    assert body(pdf)["errors"][0]["field"] == "file"
    assert huge.status_code == 400
    assert body(huge)["data"]["max_size"] == 5 * 1024 * 1024
    profile = data(await client.get("/users/me", headers=alice.headers))
    assert profile["avatar"] is None


async def test_a_missing_file_field_is_a_validation_error(client, alice):
    response = await client.post(
        "/users/profile/picture", headers=alice.headers, files={"other": ("a.jpg", b"x")}
    )

    assert response.status_code == 400
    assert body(response)["errors"] == [{"field": "file", "message": "This field is required"}]
