"""What other modules call: store, attach, release, delete, get; the orphan sweeper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kwika.core import clock
from kwika.core.broker import drain, enqueue
from kwika.core.errors import NotFound, ValidationFailed
from kwika.modules import media
from kwika.modules.media import tasks
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data


async def test_a_module_stores_a_file_it_received_and_claims_it(client, alice):
    logo = await media.store(
        alice.id,
        "company_logo",
        "../../logo.png",
        samples.png((2000, 1000)),
        used_by=("company", "c1", "Acme Events"),
    )

    assert logo.context == "company_logo"
    assert logo.filename == "logo.png"
    assert logo.format == "png"
    assert logo.dimensions is not None
    assert (logo.dimensions.width, logo.dimensions.height) == (1024, 512)
    assert [u.type for u in logo.used_by] == ["company"]
    assert (await client.get(logo.file_url)).status_code == 200
    # Errors name the caller's form field.
    with pytest.raises(ValidationFailed) as refused:
        await media.store(alice.id, "company_logo", "x.png", samples.PDF, field="logo")
    assert refused.value.errors[0].field == "logo"


async def test_attach_claims_only_my_completed_files_of_the_right_context(client, alice, bob):
    cover = data(await upload(client, alice, samples.jpeg(), "c.jpg", "service_image"))

    with pytest.raises(NotFound):
        await media.attach(cover["id"], bob.id, ("service", "s1"))
    with pytest.raises(NotFound):
        await media.attach("0123456789abcdef01234567", alice.id, ("service", "s1"))
    with pytest.raises(NotFound):
        await media.attach("nonsense", alice.id, ("service", "s1"))
    with pytest.raises(ValidationFailed) as wrong:
        await media.attach(cover["id"], alice.id, ("service", "s1"), contexts="kyc_document")
    assert wrong.value.errors[0].field == "file_id"

    attached = await media.attach(
        cover["id"], alice.id, ("service", "s1", "Photos"), contexts=["service_image"]
    )
    again = await media.attach(cover["id"], alice.id, ("service", "s1", "Photos"))

    assert [(u.type, u.id) for u in attached.used_by] == [("service", "s1")]
    assert len(again.used_by) == 1


async def test_a_pending_upload_cannot_be_attached(client, alice):
    ticket = data(
        await client.post(
            "/uploads/request",
            headers=alice.headers,
            json={
                "filename": "a.jpg",
                "content_type": "image/jpeg",
                "size": 100,
                "context": "service_image",
            },
        )
    )

    with pytest.raises(NotFound):
        await media.attach(ticket["upload_id"], alice.id, ("service", "s1"))


async def test_release_frees_a_file_and_can_delete_it_when_unused(client, alice):
    file = data(await upload(client, alice, samples.jpeg(), "c.jpg", "service_image"))
    await media.attach(file["id"], alice.id, ("service", "s1"))
    await media.attach(file["id"], alice.id, ("package", "p1"))

    await media.release(file["id"], ("service", "s1"), delete_if_unused=True)
    still_used = await media.get(file["id"])
    await media.release(file["id"], ("package", "p1"), delete_if_unused=True)

    assert [u.type for u in still_used.used_by] == ["package"]
    with pytest.raises(NotFound):
        await media.get(file["id"])
    assert (await client.get(file["file_url"])).status_code == 404
    assert data(await client.get("/uploads", headers=alice.headers))["storage_used"] == 0
    await media.release(file["id"], ("package", "p1"))  # unknown now: ignored


async def test_delete_removes_a_file_whatever_uses_it(client, alice):
    file = data(await upload(client, alice, samples.jpeg(), "c.jpg", "promotion_image"))
    await media.attach(file["id"], alice.id, ("promotion", "p1"))

    assert await media.delete(file["id"]) is True
    assert await media.delete(file["id"]) is False
    assert (await client.get(file["file_url"])).status_code == 404


async def test_private_files_get_fresh_signed_urls_and_formats_compare_loosely(client, alice):
    kyc = await media.store(alice.id, "kyc_document", "id.jpg", samples.jpeg())

    fetched = await media.get_many([kyc.id, "0123456789abcdef01234567", "bad"])

    assert list(fetched) == [kyc.id]
    assert fetched[kyc.id].private is True
    assert fetched[kyc.id].has_format(["jpeg", "png", "pdf"])
    assert not fetched[kyc.id].has_format(["pdf"])
    assert (await client.get(fetched[kyc.id].file_url)).status_code == 200
    assert (await client.get(fetched[kyc.id].file_url.split("?")[0])).status_code == 403


async def test_purging_a_user_deletes_all_their_files(client, alice, bob):
    mine = data(await upload(client, alice, samples.jpeg()))
    theirs = data(await upload(client, bob, samples.jpeg()))

    assert await media.purge_owner(alice.id) == 1

    assert (await client.get(mine["file_url"])).status_code == 404
    assert (await client.get(theirs["file_url"])).status_code == 200


async def test_the_sweeper_deletes_unclaimed_files_only_when_configured(client, alice, settings):
    unclaimed = data(await upload(client, alice, samples.jpeg(), "a.jpg", "service_image"))
    claimed = data(await upload(client, alice, samples.jpeg(), "b.jpg", "service_image"))
    await media.attach(claimed["id"], alice.id, ("service", "s1"))
    clock.travel(timedelta(hours=100))

    await enqueue(tasks.sweep)
    await drain()
    assert (await client.get(unclaimed["file_url"])).status_code == 200  # off by default

    settings.media.orphan_ttl_hours = 72
    await enqueue(tasks.sweep)
    await drain()
    await enqueue(tasks.sweep)  # twice is harmless
    await drain()

    assert (await client.get(unclaimed["file_url"])).status_code == 404
    assert (await client.get(claimed["file_url"])).status_code == 200
    listed = data(await client.get("/uploads", headers=alice.headers))
    assert [item["id"] for item in listed["items"]] == [claimed["id"]]


async def test_expired_pending_uploads_are_marked_expired(client, alice):
    ticket = data(
        await client.post(
            "/uploads/request",
            headers=alice.headers,
            json={
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size": 100,
                "context": "kyc_document",
            },
        )
    )
    clock.travel(timedelta(hours=1))

    await enqueue(tasks.sweep)
    await drain()

    response = await client.get(f"/uploads/{ticket['upload_id']}", headers=alice.headers)
    assert data(response)["status"] == "expired"
    assert body(response)["success"] is True
