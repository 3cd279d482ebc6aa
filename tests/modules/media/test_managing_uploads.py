"""Seed 003 20.4-20.6: status, deletion (own files only, never in use), listing, quota."""

from __future__ import annotations

from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data


async def test_status_of_my_file_others_are_403_unknown_are_404(client, alice, bob):
    file = data(await upload(client, alice, samples.jpeg()))

    mine = await client.get(f"/uploads/{file['id']}", headers=alice.headers)
    theirs = await client.get(f"/uploads/{file['id']}", headers=bob.headers)
    unknown = await client.get("/uploads/0123456789abcdef01234567", headers=alice.headers)
    malformed = await client.get("/uploads/not-an-id", headers=alice.headers)

    assert mine.status_code == 200
    assert data(mine)["status"] == "completed"
    assert theirs.status_code == 403
    assert body(theirs)["message"] == "You can only manage your own uploads"
    assert unknown.status_code == 404
    assert malformed.status_code == 404


async def test_deleting_my_file_removes_it_and_frees_my_quota(client, alice):
    file = data(await upload(client, alice, samples.jpeg()))
    before = data(await client.get("/uploads", headers=alice.headers))["storage_used"]

    response = await client.delete(f"/uploads/{file['id']}", headers=alice.headers)

    assert response.status_code == 200
    assert body(response) == {"success": True, "message": "File deleted successfully", "data": None}
    assert before > 0
    assert data(await client.get("/uploads", headers=alice.headers))["storage_used"] == 0
    assert (await client.get(file["file_url"])).status_code == 404
    assert (await client.get(file["thumbnail_url"])).status_code == 404
    assert (await client.get(f"/uploads/{file['id']}", headers=alice.headers)).status_code == 404


async def test_another_users_file_cannot_be_deleted(client, alice, bob):
    file = data(await upload(client, alice, samples.jpeg()))

    response = await client.delete(f"/uploads/{file['id']}", headers=bob.headers)

    assert response.status_code == 403
    assert body(response)["code"] == "NOT_OWNER"
    assert (await client.get(file["file_url"])).status_code == 200


async def test_a_file_in_use_cannot_be_deleted(client, alice):
    from kwika.modules import media

    file = data(await upload(client, alice, samples.jpeg()))
    await media.attach(file["id"], alice.id, ("event_cover", "event-1", "My Event"))

    response = await client.delete(f"/uploads/{file['id']}", headers=alice.headers)

    assert response.status_code == 400
    assert body(response)["message"] == "File is in use and cannot be deleted"
    assert body(response)["code"] == "FILE_IN_USE"
    assert body(response)["data"] == {
        "used_by": [{"type": "event_cover", "id": "event-1", "title": "My Event"}]
    }

    await media.release(file["id"], ("event_cover", "event-1"))
    assert (await client.delete(f"/uploads/{file['id']}", headers=alice.headers)).status_code == 200


async def test_my_uploads_are_paginated_filtered_and_report_storage(client, alice, bob):
    for _ in range(3):
        await upload(client, alice, samples.jpeg(), "cover.jpg", "event_cover")
    await upload(client, alice, samples.PDF, "cv.pdf", "guide_resume")
    await upload(client, bob, samples.jpeg(), "bob.jpg", "event_cover")

    page = data(await client.get("/uploads?limit=2", headers=alice.headers))
    covers = data(await client.get("/uploads?context=event_cover", headers=alice.headers))
    documents = data(await client.get("/uploads?content_type=application/", headers=alice.headers))

    assert page["pagination"] == {
        "page": 1,
        "limit": 2,
        "total_items": 4,
        "total_pages": 2,
        "has_next": True,
        "has_previous": False,
    }
    assert page["items"][0]["filename"] == "cv.pdf"  # newest first
    assert page["storage_limit"] == 5 * 1024**3
    assert page["storage_used"] > 0
    item = page["items"][1]
    assert set(item) >= {
        "id",
        "file_url",
        "thumbnail_url",
        "filename",
        "file_size",
        "content_type",
        "context",
        "context_id",
        "status",
        "created_at",
    }
    assert covers["pagination"]["total_items"] == 3
    assert [i["filename"] for i in documents["items"]] == ["cv.pdf"]


async def test_storage_quota_is_enforced(client, alice, settings):
    first = data(await upload(client, alice, samples.jpeg((400, 300))))
    used = data(await client.get("/uploads", headers=alice.headers))["storage_used"]
    settings.media.quota_bytes = used + 100

    refused = await upload(client, alice, samples.jpeg((400, 300)))
    declared = await client.post(
        "/uploads/request",
        headers=alice.headers,
        json={
            "filename": "a.jpg",
            "content_type": "image/jpeg",
            "size": 5000,
            "context": "event_cover",
        },
    )

    assert refused.status_code == 400
    assert body(refused)["code"] == "STORAGE_QUOTA_EXCEEDED"
    assert body(refused)["data"]["storage_used"] == used
    assert body(refused)["data"]["storage_limit"] == used + 100
    assert declared.status_code == 400
    assert body(declared)["code"] == "STORAGE_QUOTA_EXCEEDED"
    # Freeing space lets the next upload in.
    await client.delete(f"/uploads/{first['id']}", headers=alice.headers)
    assert (await upload(client, alice, samples.jpeg((400, 300)))).status_code == 201
