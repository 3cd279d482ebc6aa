"""Seed 003 20.1-20.2: an upload URL the API itself accepts, signed and expiring."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from kwika.core import clock
from tests.modules.media import samples
from tests.support import body, data


async def request(client, account, **overrides):
    payload = {
        "filename": "cover.jpg",
        "content_type": "image/jpeg",
        "size": 250_000,
        "context": "event_cover",
        "context_id": "event-42",
        **overrides,
    }
    return await client.post("/uploads/request", headers=account.headers, json=payload)


async def put(client, ticket, content, **headers):
    return await client.put(
        ticket["upload_url"], content=content, headers={**ticket["headers"], **headers}
    )


async def test_request_send_confirm(client, alice):
    response = await request(client, alice)

    assert response.status_code == 201, response.text
    ticket = data(response)
    assert ticket["method"] == "PUT"
    assert ticket["headers"] == {"Content-Type": "image/jpeg"}
    assert ticket["max_size"] == 10 * 1024 * 1024
    assert "image/jpeg" in ticket["allowed_types"]
    assert ticket["upload_url"].startswith(
        f"http://localhost:8000/api/v1/uploads/{ticket['upload_id']}/content?token="
    )
    status = data(await client.get(f"/uploads/{ticket['upload_id']}", headers=alice.headers))
    assert status["status"] == "pending"
    assert status["progress"] == 0
    assert status["file_url"] is None

    # The upload URL carries its own authorisation: no bearer token is sent.
    sent = await put(client, ticket, samples.jpeg((1200, 900), exif=True))
    assert sent.status_code == 200, sent.text
    assert data(sent)["status"] == "uploaded"

    confirmed = await client.post(f"/uploads/{ticket['upload_id']}/confirm", headers=alice.headers)
    assert confirmed.status_code == 200
    file = data(confirmed)
    assert file["upload_id"] == ticket["upload_id"]
    assert file["status"] == "completed"
    assert file["progress"] == 100
    assert file["context"] == "event_cover"
    assert file["context_id"] == "event-42"
    assert file["dimensions"] == {"width": 1200, "height": 900}
    stored = await client.get(file["file_url"])
    assert dict(Image.open(io.BytesIO(stored.content)).getexif()) == {}
    # Confirming again is harmless.
    again = await client.post(f"/uploads/{ticket['upload_id']}/confirm", headers=alice.headers)
    assert data(again)["file_url"] == file["file_url"]


async def test_declared_size_and_type_are_checked_before_any_url_is_issued(client, alice):
    too_big = await request(client, alice, size=52_428_800)
    wrong_type = await request(client, alice, content_type="application/pdf")
    bad_context = await request(client, alice, context="nope")

    assert too_big.status_code == 400
    assert body(too_big)["message"] == "File size exceeds maximum allowed"
    assert body(too_big)["data"] == {"max_size": 10 * 1024 * 1024, "provided_size": 52_428_800}
    assert wrong_type.status_code == 400
    assert body(wrong_type)["errors"][0]["field"] == "content_type"
    assert bad_context.status_code == 400
    assert body(bad_context)["errors"][0]["field"] == "context"


async def test_a_changed_or_borrowed_signature_is_refused(client, alice):
    first = data(await request(client, alice))
    second = data(await request(client, alice))
    tampered = dict(first, upload_url=first["upload_url"][:-3] + "abc")
    no_token = dict(first, upload_url=first["upload_url"].split("?")[0])
    borrowed = dict(
        first,
        upload_url=second["upload_url"].replace(second["upload_id"], first["upload_id"]),
    )

    for ticket in (tampered, no_token, borrowed):
        response = await put(client, ticket, samples.jpeg())
        assert response.status_code == 403
        assert body(response)["code"] == "INVALID_SIGNATURE"
    assert (await put(client, first, samples.jpeg())).status_code == 200


async def test_upload_urls_expire(client, alice):
    ticket = data(await request(client, alice))

    clock.travel(timedelta(minutes=16))
    response = await put(client, ticket, samples.jpeg())

    assert response.status_code == 410
    assert body(response)["code"] == "UPLOAD_EXPIRED"
    status = data(await client.get(f"/uploads/{ticket['upload_id']}", headers=alice.headers))
    assert status["status"] == "expired"
    confirm = await client.post(f"/uploads/{ticket['upload_id']}/confirm", headers=alice.headers)
    assert confirm.status_code == 410


async def test_the_bytes_are_validated_like_any_upload(client, alice):
    ticket = data(await request(client, alice))

    wrong = await put(client, ticket, samples.PDF)

    assert wrong.status_code == 400
    assert body(wrong)["errors"][0]["field"] == "file"
    # Still pending: the right file can follow.
    assert (await put(client, ticket, samples.png())).status_code == 200


async def test_confirm_needs_the_bytes_and_sending_twice_is_a_conflict(client, alice):
    ticket = data(await request(client, alice))

    early = await client.post(f"/uploads/{ticket['upload_id']}/confirm", headers=alice.headers)
    assert early.status_code == 400
    assert body(early)["code"] == "UPLOAD_INCOMPLETE"

    assert (await put(client, ticket, samples.jpeg())).status_code == 200
    twice = await put(client, ticket, samples.jpeg())
    assert twice.status_code == 409


async def test_another_user_cannot_confirm_or_read_an_upload(client, alice, bob):
    ticket = data(await request(client, alice))
    await put(client, ticket, samples.jpeg())

    confirm = await client.post(f"/uploads/{ticket['upload_id']}/confirm", headers=bob.headers)
    status = await client.get(f"/uploads/{ticket['upload_id']}", headers=bob.headers)

    assert confirm.status_code == 403
    assert status.status_code == 403


async def test_unconfirmed_uploads_expire_and_give_their_bytes_back(client, alice):
    from kwika.core.broker import drain, enqueue
    from kwika.modules.media import tasks

    ticket = data(await request(client, alice))
    received = data(await put(client, ticket, samples.jpeg()))
    used = data(await client.get("/uploads", headers=alice.headers))["storage_used"]
    assert used > 0

    clock.travel(timedelta(minutes=16))
    await enqueue(tasks.sweep)
    await drain()

    status = data(await client.get(f"/uploads/{ticket['upload_id']}", headers=alice.headers))
    assert status["status"] == "expired"
    assert data(await client.get("/uploads", headers=alice.headers))["storage_used"] == 0
    assert received["file_url"] is not None
    assert (await client.get(received["file_url"])).status_code == 404
