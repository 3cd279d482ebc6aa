"""Journey: a user sets a profile picture, uploads files the two ways the API offers, keeps
an eye on their quota, and cleans up."""

from __future__ import annotations

import io

from PIL import Image

from kwika.modules import media
from tests.modules.media import samples
from tests.support import body, data, register


async def test_a_user_manages_their_files(client, outbox):
    user = await register(client, outbox, first_name="Neema")
    headers = user.headers

    # 1. A profile picture, then a better one: the first is gone for good.
    first = data(
        await client.post(
            "/users/profile/picture",
            headers=headers,
            files={"file": ("me.jpg", samples.jpeg((1200, 800), exif=True), "image/jpeg")},
        )
    )
    second = data(
        await client.post(
            "/users/me/upload-avatar",
            headers=headers,
            files={"file": ("me.png", samples.png((500, 500)), "image/png")},
        )
    )
    assert data(await client.get("/users/me", headers=headers))["avatar"] == second["file_url"]
    assert (await client.get(first["file_url"])).status_code == 404
    avatar = Image.open(io.BytesIO((await client.get(second["file_url"])).content))
    assert avatar.size == (400, 400)

    # 2. A cover photo through a signed upload URL.
    ticket = data(
        await client.post(
            "/uploads/request",
            headers=headers,
            json={
                "filename": "cover.jpg",
                "content_type": "image/jpeg",
                "size": 40_000,
                "context": "event_cover",
            },
        )
    )
    sent = await client.put(
        ticket["upload_url"], content=samples.jpeg((2500, 1000)), headers=ticket["headers"]
    )
    assert sent.status_code == 200
    cover = data(await client.post(f"/uploads/{ticket['upload_id']}/confirm", headers=headers))
    assert cover["dimensions"] == {"width": 1920, "height": 768}

    # 3. A resume, which is private and downloads as an attachment.
    resume = data(
        await client.post(
            "/upload/document",
            headers=headers,
            files={"file": ("resume.pdf", samples.PDF, "application/pdf")},
        )
    )
    download = await client.get(resume["file_url"])
    assert download.headers["content-disposition"].startswith("attachment")

    # 4. Something else uses the cover now (what the events module will do).
    await media.attach(cover["id"], user.id, ("event", "e1", "Neema's 30th"))

    listing = data(await client.get("/uploads", headers=headers))
    assert {item["id"] for item in listing["items"]} == {second["id"], cover["id"], resume["id"]}
    assert 0 < listing["storage_used"] < listing["storage_limit"]

    # 5. Cleaning up: what is in use stays, the rest goes.
    in_use = await client.delete(f"/uploads/{cover['id']}", headers=headers)
    assert in_use.status_code == 400
    assert body(in_use)["data"]["used_by"][0]["title"] == "Neema's 30th"
    assert (await client.delete(f"/uploads/{resume['id']}", headers=headers)).status_code == 200
    after = data(await client.get("/uploads", headers=headers))
    assert after["pagination"]["total_items"] == 2
    assert after["storage_used"] < listing["storage_used"]
