"""Journey: a plumber becomes a craftsman, is refused once, fixes the papers and is
verified; then proves who they are."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.pagination import PageParams
from kwika.modules import providers
from tests.modules.media import samples
from tests.support import STAFF_REVIEWER, data, register


async def test_a_craftsman_gets_verified(client, outbox):
    staff = ObjectId(STAFF_REVIEWER)
    omar = await register(client, outbox, first_name="Omar")
    headers = omar.headers
    await client.post(
        "/providers/me",
        headers=headers,
        json={
            "kinds": ["craftsman"],
            "skills": ["Plumbing"],
            "district": "Heliopolis",
            "latitude": 30.0911,
            "longitude": 31.3225,
            "service_radius_km": 10,
        },
    )

    async def send_papers():
        return await client.post(
            "/users/craftsman/verification",
            headers=headers,
            data={"skills": ["Plumbing", "Water heaters"], "doc_types": ["National ID"]},
            files=[("documents", ("id.jpg", samples.jpeg(), "image/jpeg"))],
        )

    assert data(await send_papers())["status"] == "pending"
    request = (await providers.list_verifications(PageParams(), kind="craftsman")).items[0]
    await providers.reject_verification(request.id, staff, "Add your plumbing certificate")
    status = data(await client.get("/users/craftsman/verification", headers=headers))
    assert status["rejection_reason"] == "Add your plumbing certificate"

    again = await send_papers()
    assert data(again)["resubmit_count"] == 1
    await providers.approve_verification(request.id, staff)
    me = data(await client.get("/providers/me", headers=headers))
    assert me["verified_skills"] == ["Plumbing", "Water heaters"]
    assert me["is_verified"] is True

    await client.post(
        "/users/verify-identity",
        headers=headers,
        files={
            "id_front": ("front.jpg", samples.jpeg(), "image/jpeg"),
            "selfie": ("me.jpg", samples.jpeg(), "image/jpeg"),
        },
    )
    identity = (await providers.list_verifications(PageParams(), kind="identity")).items[0]
    await providers.approve_verification(identity.id, staff)
    status = data(await client.get("/users/verify-identity/status", headers=headers))
    assert status["status"] == "verified"
    assert data(await client.get(f"/providers/{me['id']}"))["verification"] == {
        "identity": "verified",
        "craftsman": "verified",
        "guide": "not_submitted",
    }
