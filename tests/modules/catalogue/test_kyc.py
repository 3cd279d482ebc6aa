"""KYC documents per service type (seed 003 7.6-7.9): accepted formats from the reference
requirements, approved documents stay, resubmissions are counted; staff review functions."""

from __future__ import annotations

import pytest
from bson import ObjectId

from kwika.core.errors import Conflict, ValidationFailed
from kwika.core.pagination import PageParams
from kwika.modules import catalogue
from tests.modules.catalogue.conftest import create_service
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import STAFF_REVIEWER, body, data

STAFF = ObjectId(STAFF_REVIEWER)
MB = 1024 * 1024


@pytest.fixture
async def service(client, vendor, photography):
    return await create_service(client, vendor, service_type_id=photography["Wedding Photography"])


async def requirements(client, vendor, service) -> dict[str, dict]:
    status = data(await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers))
    return {item["name"]: item for item in status["requirements"]}


async def send(client, vendor, service, requirement_id, content, filename, content_type):
    return await client.post(
        f"/user-services/{service['id']}/kyc",
        headers=vendor.headers,
        data={"kyc_requirement_id": requirement_id, "notes": "Please check"},
        files={"document": (filename, content, content_type)},
    )


async def test_the_kyc_status_lists_the_service_types_requirements(client, vendor, service):
    response = await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers)

    assert response.status_code == 200
    status = data(response)
    assert status["overall_status"] == "unverified"
    assert status["progress"] == 0
    names = {r["name"]: r for r in status["requirements"]}
    assert set(names) == {
        "Government-issued ID",
        "Business License",
        "Portfolio/Work Samples",
        "Professional Certification",
        "Tax Compliance Certificate",
    }
    tax = names["Tax Compliance Certificate"]
    assert (tax["accepted_formats"], tax["max_file_size_mb"], tax["is_required"]) == (
        ["pdf"],
        5,
        True,
    )
    assert tax["status"] == "not_submitted"
    assert names["Business License"]["is_required"] is False


async def test_a_document_in_an_accepted_format_is_pending_review(client, vendor, service):
    tax = (await requirements(client, vendor, service))["Tax Compliance Certificate"]

    response = await send(
        client, vendor, service, tax["id"], samples.PDF, "kra.pdf", "application/pdf"
    )

    assert response.status_code == 201
    sent = data(response)
    assert (sent["status"], sent["document_name"], sent["notes"]) == (
        "pending",
        "kra.pdf",
        "Please check",
    )
    assert "token=" in sent["document_url"]  # private
    status = data(await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers))
    assert status["overall_status"] == "pending"
    assert status["submitted_at"]
    listed = data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))
    assert listed["verification_status"] == "pending"
    again = await send(
        client, vendor, service, tax["id"], samples.PDF, "kra.pdf", "application/pdf"
    )
    assert again.status_code == 409
    assert body(again)["code"] == "KYC_ALREADY_SUBMITTED"


async def test_format_rules_come_from_the_requirement(client, vendor, service):
    names = await requirements(client, vendor, service)

    photo_as_tax = await send(
        client,
        vendor,
        service,
        names["Tax Compliance Certificate"]["id"],
        samples.jpeg(),
        "kra.jpg",
        "image/jpeg",
    )
    assert photo_as_tax.status_code == 400
    assert body(photo_as_tax)["errors"] == [
        {"field": "document", "message": "File type not accepted. Please upload a PDF file."}
    ]
    pdf_portfolio = await send(
        client,
        vendor,
        service,
        names["Portfolio/Work Samples"]["id"],
        samples.PDF,
        "work.pdf",
        "application/pdf",
    )
    assert body(pdf_portfolio)["errors"][0]["message"] == (
        "File type not accepted. Please upload a JPG or PNG file."
    )
    fake_pdf = await send(
        client,
        vendor,
        service,
        names["Tax Compliance Certificate"]["id"],
        samples.TEXT,
        "kra.pdf",
        "application/pdf",
    )
    assert fake_pdf.status_code == 400
    assert body(fake_pdf)["errors"][0]["field"] == "document"
    big = samples.PDF + b"\0" * (5 * MB)
    too_big = await send(
        client,
        vendor,
        service,
        names["Government-issued ID"]["id"],
        big,
        "id.pdf",
        "application/pdf",
    )
    assert too_big.status_code == 400
    assert body(too_big)["data"]["max_size"] == 5 * MB
    # None of the refused files was kept.
    assert data(await client.get("/uploads", headers=vendor.headers))["items"] == []
    assert (
        data(await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers))[
            "overall_status"
        ]
        == "unverified"
    )


async def test_the_requirement_must_belong_to_the_service_type(client, vendor, service):
    missing = await client.post(
        f"/user-services/{service['id']}/kyc",
        headers=vendor.headers,
        files={"document": ("a.pdf", samples.PDF, "application/pdf")},
    )
    assert body(missing)["errors"][0]["field"] == "kyc_requirement_id"
    unknown = await send(
        client, vendor, service, str(ObjectId()), samples.PDF, "a.pdf", "application/pdf"
    )
    assert body(unknown)["errors"][0]["field"] == "kyc_requirement_id"
    untyped = await create_service(client, vendor)
    no_type = await send(
        client, vendor, untyped, str(ObjectId()), samples.PDF, "a.pdf", "application/pdf"
    )
    assert body(no_type)["errors"][0]["message"].startswith("Choose the service's type first")


async def test_json_file_ids_are_accepted(client, vendor, service):
    tax = (await requirements(client, vendor, service))["Tax Compliance Certificate"]
    file = data(
        await upload(
            client, vendor, samples.PDF, "kra.pdf", "kyc_document", content_type="application/pdf"
        )
    )
    photo = data(await upload(client, vendor, samples.jpeg(), "kra.jpg", "kyc_document"))

    refused = await client.post(
        f"/user-services/{service['id']}/kyc",
        headers=vendor.headers,
        json={"kyc_requirement_id": tax["id"], "file_id": photo["id"]},
    )
    assert body(refused)["errors"][0]["field"] == "file_id"
    response = await client.post(
        f"/user-services/{service['id']}/kyc",
        headers=vendor.headers,
        json={"kyc_requirement_id": tax["id"], "file_id": file["id"]},
    )
    assert response.status_code == 201


async def submit_required(client, vendor, service) -> dict[str, dict]:
    names = await requirements(client, vendor, service)
    await send(
        client,
        vendor,
        service,
        names["Government-issued ID"]["id"],
        samples.jpeg(),
        "id.jpg",
        "image/jpeg",
    )
    await send(
        client,
        vendor,
        service,
        names["Portfolio/Work Samples"]["id"],
        samples.png(),
        "work.png",
        "image/png",
    )
    await send(
        client,
        vendor,
        service,
        names["Tax Compliance Certificate"]["id"],
        samples.PDF,
        "kra.pdf",
        "application/pdf",
    )
    return await requirements(client, vendor, service)


async def test_staff_review_drives_the_service_verification(client, vendor, service):
    names = await submit_required(client, vendor, service)
    queue = await catalogue.kyc_queue(PageParams())
    assert [item.service_id for item in queue.items] == [service["id"]]

    await catalogue.approve_kyc_document(names["Government-issued ID"]["document_id"], STAFF)
    status = data(await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers))
    assert (status["overall_status"], status["progress"]) == ("pending", 33)

    submission = await catalogue.approve_service_kyc(service["id"], STAFF, "All good")
    assert submission.status == "verified"
    listed = data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))
    assert (listed["verification_status"], listed["verification_progress"]) == ("verified", 100)
    assert listed["verified_at"]
    summary = data(await client.get("/user-services", headers=vendor.headers))["summary"]
    assert summary["verified_services"] == 1
    with pytest.raises(Conflict):
        await catalogue.approve_service_kyc(service["id"], STAFF)

    # Approved documents stay.
    id_doc = names["Government-issued ID"]
    removed = await client.delete(
        f"/user-services/{service['id']}/kyc/{id_doc['id']}", headers=vendor.headers
    )
    assert removed.status_code == 409  # a state conflict (decisions.md)
    assert body(removed) == {
        "success": False,
        "message": "Cannot remove approved document. Please contact support.",
        "code": "KYC_DOCUMENT_APPROVED",
    }
    replaced = await client.put(
        f"/user-services/{service['id']}/kyc/{id_doc['id']}",
        headers=vendor.headers,
        files={"document": ("id.jpg", samples.jpeg(), "image/jpeg")},
    )
    assert replaced.status_code == 409
    # And the type is settled once documents were sent.
    retype = await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"service_type_id": None}
    )
    assert body(retype)["code"] == "KYC_SUBMITTED"


async def test_a_rejected_document_is_resubmitted_and_counted(client, vendor, service):
    names = await submit_required(client, vendor, service)
    tax = names["Tax Compliance Certificate"]
    with pytest.raises(ValidationFailed):
        await catalogue.reject_kyc_document(tax["document_id"], STAFF, "")
    await catalogue.reject_kyc_document(tax["document_id"], STAFF, "The certificate expired")

    status = data(await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers))
    assert status["overall_status"] == "rejected"
    rejected = next(r for r in status["requirements"] if r["id"] == tax["id"])
    assert (rejected["status"], rejected["rejection_reason"]) == (
        "rejected",
        "The certificate expired",
    )
    old_url = rejected["document_url"]

    response = await client.put(
        f"/user-services/{service['id']}/kyc/{tax['id']}",
        headers=vendor.headers,
        data={"notes": "Renewed"},
        files={"document": ("kra-2026.pdf", samples.PDF, "application/pdf")},
    )
    assert response.status_code == 200
    again = data(response)
    assert (again["status"], again["resubmit_count"], again["notes"]) == ("pending", 1, "Renewed")
    assert again["rejection_reason"] is None
    assert (await client.get(old_url)).status_code == 404
    wrong = await client.put(
        f"/user-services/{service['id']}/kyc/{tax['id']}",
        headers=vendor.headers,
        files={"document": ("kra.jpg", samples.jpeg(), "image/jpeg")},
    )
    assert wrong.status_code == 400
    status = data(await client.get(f"/user-services/{service['id']}/kyc", headers=vendor.headers))
    assert status["overall_status"] == "pending"


async def test_a_pending_document_can_be_removed(client, vendor, service):
    names = await submit_required(client, vendor, service)
    tax = names["Tax Compliance Certificate"]

    by_document_id = await client.delete(
        f"/user-services/{service['id']}/kyc/{tax['document_id']}", headers=vendor.headers
    )

    assert by_document_id.status_code == 200
    assert (await client.get(tax["document_url"])).status_code == 404
    again = await requirements(client, vendor, service)
    assert again["Tax Compliance Certificate"]["status"] == "not_submitted"
    assert (
        await client.delete(
            f"/user-services/{service['id']}/kyc/{tax['id']}", headers=vendor.headers
        )
    ).status_code == 404


async def test_another_providers_kyc_is_404(client, vendor, rival, service):
    tax = (await requirements(client, vendor, service))["Tax Compliance Certificate"]
    path = f"/user-services/{service['id']}/kyc"

    assert (await client.get(path, headers=rival.headers)).status_code == 404
    sent = await send(client, rival, service, tax["id"], samples.PDF, "k.pdf", "application/pdf")
    assert sent.status_code == 404
    assert (await client.delete(f"{path}/{tax['id']}", headers=rival.headers)).status_code == 404


async def kyc_pdf(client, vendor) -> dict:
    return data(
        await upload(
            client, vendor, samples.PDF, "kra.pdf", "kyc_document", content_type="application/pdf"
        )
    )


async def test_a_document_resubmitted_with_its_own_file_keeps_it(client, vendor, service):
    tax = (await requirements(client, vendor, service))["Tax Compliance Certificate"]
    file = await kyc_pdf(client, vendor)
    path = f"/user-services/{service['id']}/kyc"
    sent = await client.post(
        path, headers=vendor.headers, json={"kyc_requirement_id": tax["id"], "file_id": file["id"]}
    )
    assert sent.status_code == 201
    document_id = (await requirements(client, vendor, service))["Tax Compliance Certificate"][
        "document_id"
    ]
    await catalogue.reject_kyc_document(document_id, STAFF, "Unreadable scan")

    again = await client.put(
        f"{path}/{tax['id']}",
        headers=vendor.headers,
        json={"file_id": file["id"], "notes": "It is readable"},
    )

    assert again.status_code == 200
    resent = data(again)
    assert (resent["status"], resent["resubmit_count"]) == ("pending", 1)
    assert resent["document_url"] is not None
    assert (await client.get(resent["document_url"])).status_code == 200
    assert (await client.get(f"/uploads/{file['id']}", headers=vendor.headers)).status_code == 200
    shown = (await requirements(client, vendor, service))["Tax Compliance Certificate"]
    assert shown["document_url"] is not None


async def test_one_file_for_two_requirements_stays_while_either_names_it(client, vendor, service):
    names = await requirements(client, vendor, service)
    tax, id_doc = names["Tax Compliance Certificate"], names["Government-issued ID"]
    file = await kyc_pdf(client, vendor)
    path = f"/user-services/{service['id']}/kyc"
    for requirement in (tax, id_doc):
        sent = await client.post(
            path,
            headers=vendor.headers,
            json={"kyc_requirement_id": requirement["id"], "file_id": file["id"]},
        )
        assert sent.status_code == 201

    removed = await client.delete(f"{path}/{tax['id']}", headers=vendor.headers)

    assert removed.status_code == 200
    left = (await requirements(client, vendor, service))["Government-issued ID"]
    assert left["status"] == "pending"
    assert (await client.get(left["document_url"])).status_code == 200
    in_use = await client.delete(f"/uploads/{file['id']}", headers=vendor.headers)
    assert in_use.status_code == 400  # still claimed by the service's other document
    await client.delete(f"{path}/{id_doc['id']}", headers=vendor.headers)
    assert (await client.get(f"/uploads/{file['id']}", headers=vendor.headers)).status_code == 404


async def test_deleting_a_service_keeps_a_kyc_file_another_service_uses(
    client, vendor, service, photography
):
    other = await create_service(
        client, vendor, service_type_id=photography["Wedding Photography"], title="Portraits"
    )
    file = await kyc_pdf(client, vendor)
    for listing in (service, other):
        tax = (await requirements(client, vendor, listing))["Tax Compliance Certificate"]
        sent = await client.post(
            f"/user-services/{listing['id']}/kyc",
            headers=vendor.headers,
            json={"kyc_requirement_id": tax["id"], "file_id": file["id"]},
        )
        assert sent.status_code == 201

    deleted = await client.delete(f"/user-services/{service['id']}", headers=vendor.headers)

    assert deleted.status_code == 200
    kept = (await requirements(client, vendor, other))["Tax Compliance Certificate"]
    assert (await client.get(kept["document_url"])).status_code == 200
