"""Identity verification (seed 003 21), craftsman verification (seed 001 2.1, 5.2) and the
review functions staff queues will call (admin issue)."""

from __future__ import annotations

import pytest
from bson import ObjectId

from kwika.core.errors import Conflict, ValidationFailed
from kwika.core.pagination import PageParams
from kwika.modules import providers
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import STAFF_REVIEWER, body, data, make_provider, register

STAFF = ObjectId(STAFF_REVIEWER)


def id_files(front: bytes | None = None, **more: tuple) -> dict:
    files = {"id_front": ("front.jpg", front or samples.jpeg(), "image/jpeg")}
    files.update(more)
    return files


async def submit_identity(client, account, **more):
    return await client.post(
        "/users/verify-identity", headers=account.headers, files=id_files(**more)
    )


async def pending(kind: str) -> list:
    page = await providers.list_verifications(PageParams(), kind=kind)
    return page.items


# ---------------------------------------------------------------- identity (seed 003 21)


async def test_identity_documents_are_submitted_then_reviewed(client, outbox, vendor):
    before = data(await client.get("/users/verify-identity/status", headers=vendor.headers))
    assert before["status"] == "not_submitted"

    response = await submit_identity(
        client,
        vendor,
        id_back=("back.png", samples.png(), "image/png"),
        selfie=("me.jpg", samples.jpeg(exif=True), "image/jpeg"),
    )

    assert response.status_code == 200
    assert body(response)["message"] == "Verification documents submitted successfully"
    assert data(response)["status"] == "submitted"
    assert data(response)["submitted_at"]
    queue = await pending("identity")
    assert len(queue) == 1
    request = queue[0]
    assert request.user.id == vendor.id
    assert [f.role for f in request.files] == ["id_front", "id_back", "selfie"]
    # Private files: signed links that download.
    assert "token=" in request.files[0].file_url
    assert (await client.get(request.files[0].file_url)).status_code == 200
    me = data(await client.get("/providers/me", headers=vendor.headers))
    assert me["verification"]["identity"] == "pending"

    await providers.approve_verification(request.id, STAFF, "All good")

    status = data(await client.get("/users/verify-identity/status", headers=vendor.headers))
    assert status["status"] == "verified"
    assert status["verified_at"]
    me = data(await client.get("/providers/me", headers=vendor.headers))
    assert me["is_verified"] is True
    assert me["verified_at"]
    assert me["verification"]["identity"] == "verified"
    mail = await outbox.last(to=vendor.email, template="notification")
    assert mail["subject"] == "Identity verified"
    inbox = data(await client.get("/notifications", headers=vendor.headers))
    assert inbox["items"][0]["type"] == "identity_verified"
    again = await submit_identity(client, vendor)
    assert again.status_code == 409
    assert body(again)["code"] == "ALREADY_VERIFIED"


async def test_the_front_of_the_id_is_required(client, vendor):
    response = await client.post(
        "/users/verify-identity",
        headers=vendor.headers,
        files={"id_back": ("back.jpg", samples.jpeg(), "image/jpeg")},
    )

    assert response.status_code == 400
    assert body(response)["message"] == "ID front document is required"
    assert body(response)["errors"][0]["field"] == "id_front"


async def test_identity_files_are_checked_by_content(client, vendor):
    fake = await client.post(
        "/users/verify-identity",
        headers=vendor.headers,
        files={"id_front": ("front.pdf", samples.TEXT, "application/pdf")},
    )
    assert fake.status_code == 400
    assert body(fake)["errors"][0]["field"] == "id_front"

    pdf_selfie = await submit_identity(
        client, vendor, selfie=("me.pdf", samples.PDF, "application/pdf")
    )
    assert pdf_selfie.status_code == 400
    assert body(pdf_selfie)["errors"][0]["field"] == "selfie"
    # Nothing was kept from the failed attempts.
    uploads = data(await client.get("/uploads", headers=vendor.headers))
    assert uploads["items"] == []


async def test_a_pending_request_is_not_sent_twice(client, vendor):
    assert (await submit_identity(client, vendor)).status_code == 200

    again = await submit_identity(client, vendor)

    assert again.status_code == 409
    assert body(again)["code"] == "VERIFICATION_PENDING"


async def test_a_rejected_request_can_be_sent_again(client, outbox, vendor):
    await submit_identity(client, vendor)
    request = (await pending("identity"))[0]
    old_file = request.files[0].file_url

    with pytest.raises(ValidationFailed):
        await providers.reject_verification(request.id, STAFF, "")
    await providers.reject_verification(request.id, STAFF, "The photo is blurred")
    with pytest.raises(Conflict):
        await providers.approve_verification(request.id, STAFF)

    status = data(await client.get("/users/verify-identity/status", headers=vendor.headers))
    assert status["status"] == "rejected"
    assert status["rejection_reason"] == "The photo is blurred"
    mail = await outbox.last(to=vendor.email, template="application_status")
    assert "The photo is blurred" in mail["body"]
    assert data(await client.get("/providers/me", headers=vendor.headers))["is_verified"] is False

    again = await submit_identity(client, vendor)
    assert again.status_code == 200
    assert data(again)["status"] == "submitted"
    assert data(again)["resubmit_count"] == 1
    assert (await client.get(old_file)).status_code == 404  # the rejected file is gone


async def test_files_uploaded_first_can_be_named_by_id(client, vendor, rival):
    front = data(
        await upload(
            client,
            vendor,
            samples.PDF,
            "id.pdf",
            "verification_document",
            content_type="application/pdf",
        )
    )
    theirs = data(await upload(client, rival, samples.jpeg(), "id.jpg", "verification_document"))
    cover = data(await upload(client, vendor, samples.jpeg(), "c.jpg", "event_cover"))

    stolen = await client.post(
        "/users/verify-identity", headers=vendor.headers, json={"id_front_id": theirs["id"]}
    )
    assert stolen.status_code == 404
    wrong_context = await client.post(
        "/users/verify-identity", headers=vendor.headers, json={"id_front_id": cover["id"]}
    )
    assert wrong_context.status_code == 400
    assert body(wrong_context)["errors"][0]["field"] == "id_front"

    response = await client.post(
        "/users/verify-identity", headers=vendor.headers, json={"id_front_id": front["id"]}
    )
    assert response.status_code == 200
    in_use = await client.delete(f"/uploads/{front['id']}", headers=vendor.headers)
    assert body(in_use)["data"]["used_by"][0]["type"] == "verification"


async def test_any_user_can_verify_their_identity(client, outbox):
    user = await register(client, outbox)

    assert (await submit_identity(client, user)).status_code == 200
    assert (await client.get("/users/verify-identity/status")).status_code == 401


# ---------------------------------------------------------------- craftsmen (seed 001)


async def test_craftsmen_send_skills_and_certificates(client, outbox):
    craftsman = await make_provider(client, outbox, kinds=("craftsman",))

    response = await client.post(
        "/users/craftsman/verification",
        headers=craftsman.headers,
        data={"skills": "Plumbing, Electrical", "doc_types": ["National ID", "Certificate"]},
        files=[
            ("documents", ("id.jpg", samples.jpeg(), "image/jpeg")),
            ("documents", ("cert.pdf", samples.PDF, "application/pdf")),
        ],
    )

    assert response.status_code == 200
    result = data(response)
    assert result["status"] == "pending"
    assert result["skills"] == ["Plumbing", "Electrical"]
    assert [(d["doc_type"], d["filename"]) for d in result["documents"]] == [
        ("National ID", "id.jpg"),
        ("Certificate", "cert.pdf"),
    ]
    request = (await pending("craftsman"))[0]
    assert request.skills == ["Plumbing", "Electrical"]

    await providers.approve_verification(request.id, STAFF)

    me = data(await client.get("/providers/me", headers=craftsman.headers))
    assert me["verified_skills"] == ["Plumbing", "Electrical"]
    assert me["verification"]["craftsman"] == "verified"
    assert me["is_verified"] is True
    status = data(await client.get("/users/craftsman/verification", headers=craftsman.headers))
    assert status["status"] == "verified"


async def test_craftsman_verification_by_json_ids(client, outbox):
    craftsman = await make_provider(client, outbox, kinds=("craftsman",))
    cert = data(
        await upload(
            client,
            craftsman,
            samples.PDF,
            "c.pdf",
            "verification_document",
            content_type="application/pdf",
        )
    )

    response = await client.post(
        "/users/craftsman/verification",
        headers=craftsman.headers,
        json={
            "skills": ["Carpentry"],
            "documents": [{"doc_type": "Certificate", "file_id": cert["id"]}],
        },
    )

    assert response.status_code == 200
    assert data(response)["documents"][0]["id"] == cert["id"]


async def test_craftsman_verification_rules(client, outbox, vendor, client_user):
    not_craftsman = await client.post(
        "/users/craftsman/verification",
        headers=vendor.headers,
        json={"skills": ["Plumbing"], "documents": []},
    )
    assert not_craftsman.status_code == 403
    assert body(not_craftsman)["code"] == "CRAFTSMAN_REQUIRED"
    no_profile = await client.post(
        "/users/craftsman/verification", headers=client_user.headers, json={"skills": ["x"]}
    )
    assert no_profile.status_code == 403
    assert body(no_profile)["code"] == "PROVIDER_PROFILE_REQUIRED"

    craftsman = await make_provider(client, outbox, kinds=("craftsman",))
    empty = await client.post(
        "/users/craftsman/verification", headers=craftsman.headers, json={"skills": ["Plumbing"]}
    )
    assert empty.status_code == 400
    assert body(empty)["errors"][0]["field"] == "documents"
    no_skills = await client.post(
        "/users/craftsman/verification",
        headers=craftsman.headers,
        files=[("documents", ("id.jpg", samples.jpeg(), "image/jpeg"))],
    )
    assert no_skills.status_code == 400
    assert body(no_skills)["errors"][0]["field"] == "skills"


# ---------------------------------------------------------------- the staff queue


async def test_the_queue_lists_oldest_first_by_kind_and_status(client, outbox, vendor):
    craftsman = await make_provider(client, outbox, kinds=("craftsman",))
    await submit_identity(client, vendor)
    await submit_identity(client, craftsman)

    identity_queue = await pending("identity")
    assert [item.user.id for item in identity_queue] == [vendor.id, craftsman.id]
    everything = await providers.list_verifications(PageParams(limit=1))
    assert everything.pagination.total_items == 2
    assert len(everything.items) == 1

    await providers.approve_verification(identity_queue[0].id, STAFF)
    assert [i.user.id for i in await pending("identity")] == [craftsman.id]
    verified = await providers.list_verifications(PageParams(), status="verified")
    assert [i.id for i in verified.items] == [identity_queue[0].id]
    detail = await providers.get_verification(identity_queue[0].id)
    assert detail.reviewed_by == STAFF_REVIEWER
    with pytest.raises(Exception) as missing:
        await providers.get_verification(str(ObjectId()))
    assert getattr(missing.value, "status_code", None) == 404


async def test_files_sent_again_by_id_survive_the_resubmission(client, vendor):
    """A rejected request sent again with some of the same files keeps them; the files it
    no longer names are deleted."""

    async def document(content: bytes, name: str) -> dict:
        return data(await upload(client, vendor, content, name, "verification_document"))

    front = await document(samples.jpeg(), "front.jpg")
    old_selfie = await document(samples.jpeg(), "me.jpg")
    first = await client.post(
        "/users/verify-identity",
        headers=vendor.headers,
        json={"id_front_id": front["id"], "selfie_id": old_selfie["id"]},
    )
    assert first.status_code == 200
    request = (await pending("identity"))[0]
    await providers.reject_verification(request.id, STAFF, "The selfie is blurred")

    # A failed attempt (the selfie is not a photo) leaves the request's files claimed.
    pdf = data(
        await upload(
            client,
            vendor,
            samples.PDF,
            "me.pdf",
            "verification_document",
            content_type="application/pdf",
        )
    )
    failed = await client.post(
        "/users/verify-identity",
        headers=vendor.headers,
        json={"id_front_id": front["id"], "selfie_id": pdf["id"]},
    )
    assert failed.status_code == 400
    still_used = await client.delete(f"/uploads/{front['id']}", headers=vendor.headers)
    assert still_used.status_code == 400
    assert body(still_used)["data"]["used_by"][0]["type"] == "verification"

    new_selfie = await document(samples.jpeg(), "me-again.jpg")
    again = await client.post(
        "/users/verify-identity",
        headers=vendor.headers,
        json={"id_front_id": front["id"], "selfie_id": new_selfie["id"]},
    )

    assert again.status_code == 200
    assert data(again)["resubmit_count"] == 1
    assert (await client.get(f"/uploads/{front['id']}", headers=vendor.headers)).status_code == 200
    assert (await client.get(front["file_url"])).status_code == 200
    assert (
        await client.get(f"/uploads/{old_selfie['id']}", headers=vendor.headers)
    ).status_code == 404
    resent = (await pending("identity"))[0]
    assert [(f.role, f.id) for f in resent.files] == [
        ("id_front", front["id"]),
        ("selfie", new_selfie["id"]),
    ]
    assert (await client.get(resent.files[0].file_url)).status_code == 200
