"""Message attachments through the media service: files in the send form (seed 003 11.3),
ids of earlier uploads, on every send route; ownership and context checks; what clients
see; deleting a message releases its files."""

from __future__ import annotations

from datetime import timedelta

from kwika.core import clock
from tests.modules.media import samples
from tests.support import data, register

MB = 1024 * 1024


async def _pair(client, outbox):
    ann = await register(client, outbox, first_name="Ann")
    bob = await register(client, outbox, first_name="Bob")
    started = await client.post(
        "/messages/start", json={"recipient_id": bob.id, "content": "hi"}, headers=ann.headers
    )
    return ann, bob, data(started)["conversation_id"]


async def _upload(client, account, content=None, name="photo.jpg", context="message_attachment"):
    response = await client.post(
        "/uploads/direct",
        headers=account.headers,
        files={"file": (name, content or samples.jpeg(), "application/octet-stream")},
        data={"context": context},
    )
    assert response.status_code == 201, response.text
    return data(response)


async def _uploads(client, account):
    return data(await client.get("/uploads", headers=account.headers))


async def _history(client, account, cid):
    return data(await client.get(f"/messages/{cid}", headers=account.headers))["items"]


async def test_files_sent_with_the_message_are_stored_for_the_sender(client, outbox):
    ann, bob, cid = await _pair(client, outbox)

    response = await client.post(
        f"/messages/{cid}",
        headers=ann.headers,
        files=[
            ("content", (None, "The menu and a photo")),
            ("attachments", ("Menu Proposal.pdf", samples.PDF, "application/pdf")),
            ("attachments", ("hall.jpg", samples.jpeg((1600, 1200), exif=True), "image/jpeg")),
        ],
    )

    assert response.status_code == 201, response.text
    message = data(response)
    assert message["message_type"] == "text"
    pdf, photo = sorted(message["attachments"], key=lambda a: a["type"])
    assert pdf["type"] == "document"
    assert pdf["name"] == pdf["filename"] == "Menu Proposal.pdf"
    assert pdf["mime_type"] == pdf["content_type"] == "application/pdf"
    assert pdf["size_bytes"] == pdf["file_size"] == len(samples.PDF)
    assert pdf["dimensions"] is None
    assert pdf["thumbnail_url"] is None
    assert photo["type"] == "image"
    assert photo["content_type"] == "image/jpeg"
    assert photo["dimensions"] == {"width": 1600, "height": 1200}
    assert photo["thumbnail_url"]
    # Private files: signed links that work, for the recipient too.
    assert "token=" in photo["url"]
    assert photo["url"] == photo["file_url"]
    downloaded = await client.get(pdf["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == samples.PDF
    seen_by_bob = _history_item(await _history(client, bob, cid), message["id"])
    assert {a["id"] for a in seen_by_bob["attachments"]} == {pdf["id"], photo["id"]}
    assert (await client.get(seen_by_bob["attachments"][0]["url"])).status_code == 200
    # The files are Ann's, in the message_attachment context, claimed by the message.
    mine = await _uploads(client, ann)
    assert {f["id"] for f in mine["items"]} == {pdf["id"], photo["id"]}
    assert {f["context"] for f in mine["items"]} == {"message_attachment"}
    assert all(
        f["used_by"] == [{"type": "message", "id": message["id"], "title": None}]
        for f in mine["items"]
    )
    assert (await _uploads(client, bob))["items"] == []


def _history_item(items, message_id):
    return next(m for m in items if m["id"] == message_id)


async def test_links_are_signed_again_on_every_read(client, outbox, settings):
    ann, bob, cid = await _pair(client, outbox)
    sent = data(
        await client.post(
            f"/messages/{cid}",
            headers=ann.headers,
            files={"attachments": ("a.pdf", samples.PDF, "application/pdf")},
        )
    )
    old_url = sent["attachments"][0]["url"]
    assert sent["message_type"] == "attachment"

    clock.travel(timedelta(seconds=settings.media.private_url_ttl_seconds + 60))
    expired = await client.get(old_url)
    fresh = _history_item(await _history(client, bob, cid), sent["id"])["attachments"][0]["url"]

    assert expired.status_code == 403
    assert (await client.get(fresh)).status_code == 200


async def test_ids_of_earlier_uploads_on_every_send_route(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    first, second, third, fourth = [await _upload(client, ann) for _ in range(4)]

    seed_003_json = await client.post(
        f"/messages/{cid}", json={"attachments": [first["id"]]}, headers=ann.headers
    )
    seed_002 = await client.post(
        "/messages",
        json={"receiver_id": bob.id, "content": "by user", "attachments": [second["id"]]},
        headers=ann.headers,
    )
    seed_004_form = await client.post(
        f"/conversations/{cid}/messages",
        data={"content": "form ids", "attachments": [third["id"], fourth["id"]]},
        headers=ann.headers,
    )
    mixed = await client.post(
        "/messages",
        headers=ann.headers,
        files=[
            ("conversation_id", (None, cid)),
            ("attachments", (None, first["id"])),
            ("attachments", ("new.pdf", samples.PDF, "application/pdf")),
        ],
    )

    for response in (seed_003_json, seed_002, seed_004_form, mixed):
        assert response.status_code == 201, response.text
    assert [a["id"] for a in data(seed_003_json)["attachments"]] == [first["id"]]
    assert data(seed_002)["conversation_id"] == cid
    assert [a["id"] for a in data(seed_004_form)["attachments"]] == [third["id"], fourth["id"]]
    assert len(data(mixed)["attachments"]) == 2
    # One file may be shown by several messages.
    reused = data(await client.get(f"/uploads/{first['id']}", headers=ann.headers))
    assert {u["id"] for u in reused["used_by"]} == {
        data(seed_003_json)["id"],
        data(mixed)["id"],
    }


async def test_someone_elses_file_or_another_context_sends_nothing(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    bobs = await _upload(client, bob)
    mine = await _upload(client, ann)
    cover = await _upload(client, ann, context="event_cover")
    before = len(await _history(client, ann, cid))

    theirs = await client.post(
        f"/messages/{cid}", json={"attachments": [mine["id"], bobs["id"]]}, headers=ann.headers
    )
    unknown = await client.post(
        f"/messages/{cid}",
        json={"attachments": ["65f0000000000000000000ab"]},
        headers=ann.headers,
    )
    wrong_context = await client.post(
        f"/messages/{cid}", json={"attachments": [cover["id"]]}, headers=ann.headers
    )

    assert theirs.status_code == 404
    assert theirs.json()["message"] == "File not found"
    assert unknown.status_code == 404
    assert wrong_context.status_code == 400
    assert wrong_context.json()["errors"][0]["field"] == "attachments.0"
    assert len(await _history(client, ann, cid)) == before
    # Nothing stays claimed by the message that was never sent.
    for file in (mine, bobs, cover):
        owner = ann if file is not bobs else bob
        stored = data(await client.get(f"/uploads/{file['id']}", headers=owner.headers))
        assert stored["used_by"] == []


async def test_a_refused_message_keeps_none_of_its_files(client, outbox):
    ann, _bob, cid = await _pair(client, outbox)
    carol = await register(client, outbox, first_name="Carol")
    pdf = ("a.pdf", samples.PDF, "application/pdf")

    not_a_participant = await client.post(
        f"/messages/{cid}", headers=carol.headers, files={"attachments": pdf}
    )
    bad_reply = await client.post(
        f"/messages/{cid}",
        headers=ann.headers,
        files={"attachments": pdf, "reply_to": (None, "65f0000000000000000000ab")},
    )
    too_many = await client.post(
        f"/messages/{cid}",
        headers=ann.headers,
        files=[("attachments", pdf) for _ in range(6)],
    )
    too_large = await client.post(
        f"/messages/{cid}",
        headers=ann.headers,
        files=[
            ("attachments", pdf),
            ("attachments", ("big.pdf", samples.PDF + b"\0" * (10 * MB), "application/pdf")),
        ],
    )
    unsupported = await client.post(
        f"/messages/{cid}",
        headers=ann.headers,
        files={"attachments": ("page.html", samples.HTML, "text/html")},
    )

    assert not_a_participant.status_code == 404
    assert bad_reply.status_code == 400
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["field"] == "attachments"
    assert too_large.status_code == 400
    assert too_large.json()["errors"][0]["field"] == "attachments.1"
    assert too_large.json()["data"]["max_size"] == 10 * MB
    assert unsupported.status_code == 400
    for account in (ann, carol):
        uploads = await _uploads(client, account)
        assert uploads["items"] == []
        assert uploads["storage_used"] == 0


async def test_send_bodies_may_carry_five_files_but_not_more_than_that(client, outbox):
    ann, _, cid = await _pair(client, outbox)
    over = b"%PDF-1.4\n" + b"\0" * (51 * MB + 1)

    too_big = await client.post(
        f"/messages/{cid}", headers=ann.headers, files={"attachments": ("x.pdf", over)}
    )
    # Other routes keep the application's default limit.
    elsewhere = await client.post(
        "/messages/start",
        headers={**ann.headers, "Content-Type": "application/json"},
        content=b"{" + b" " * (11 * MB) + b"}",
    )

    assert too_big.status_code == 413
    assert elsewhere.status_code == 413
    assert (await _uploads(client, ann))["items"] == []


async def test_deleting_a_message_releases_its_files(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    shared = await _upload(client, ann)
    sent = data(
        await client.post(
            f"/messages/{cid}",
            headers=ann.headers,
            files=[
                ("attachments", (None, shared["id"])),
                ("attachments", ("a.pdf", samples.PDF, "application/pdf")),
            ],
        )
    )
    again = data(
        await client.post(
            f"/messages/{cid}", json={"attachments": [shared["id"]]}, headers=ann.headers
        )
    )
    sent_pdf = next(a for a in sent["attachments"] if a["id"] != shared["id"])

    deleted = await client.delete(f"/messages/{cid}/messages/{sent['id']}", headers=ann.headers)

    assert deleted.status_code == 200
    gone = _history_item(await _history(client, bob, cid), sent["id"])
    assert gone["is_deleted"] is True
    assert gone["attachments"] == []
    # The file only that message used is deleted; the one another message shows stays.
    assert (await client.get(f"/uploads/{sent_pdf['id']}", headers=ann.headers)).status_code == 404
    assert (await client.get(sent_pdf["url"])).status_code in (403, 404)
    kept = data(await client.get(f"/uploads/{shared['id']}", headers=ann.headers))
    assert [u["id"] for u in kept["used_by"]] == [again["id"]]
    # Deleting again changes nothing.
    repeat = await client.delete(f"/messages/{cid}/messages/{sent['id']}", headers=ann.headers)
    assert repeat.status_code == 200


async def test_a_reply_to_a_deleted_message_no_longer_quotes_it(client, outbox):
    ann, bob, cid = await _pair(client, outbox)
    original = data(
        await client.post(f"/messages/{cid}", json={"content": "secret"}, headers=ann.headers)
    )
    reply = data(
        await client.post(
            f"/messages/{cid}",
            json={"content": "ok", "reply_to": original["id"]},
            headers=bob.headers,
        )
    )
    assert reply["reply_to"]["content"] == "secret"

    await client.delete(f"/messages/{cid}/messages/{original['id']}", headers=ann.headers)

    quoted = _history_item(await _history(client, bob, cid), reply["id"])["reply_to"]
    assert quoted["id"] == original["id"]
    assert quoted["content"] == ""


async def test_files_in_messages_count_against_the_hourly_upload_budget(client, outbox, settings):
    ann, _, cid = await _pair(client, outbox)
    settings.media.uploads_per_hour = 2
    pdf = ("a.pdf", samples.PDF, "application/pdf")

    first = await client.post(
        f"/messages/{cid}", headers=ann.headers, files=[("attachments", pdf)] * 2
    )
    second = await client.post(f"/messages/{cid}", headers=ann.headers, files={"attachments": pdf})

    assert first.status_code == 201
    assert second.status_code == 429
    assert "Retry-After" in second.headers
    assert len((await _uploads(client, ann))["items"]) == 2
