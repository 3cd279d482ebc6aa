"""Business phone numbers (seed 003 changelog 2026-02-21): verified once by SMS code, then
reused on services and companies."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bson import ObjectId

from kwika.core import clock, ratelimit
from kwika.modules.providers.documents import BusinessPhone
from tests.support import body, data, make_company, round_trips_yield

NUMBER = "+255712345678"


async def add(client, account, number=NUMBER):
    return await client.post(
        "/user-services/business-phones", headers=account.headers, json={"phone_number": number}
    )


async def verified_phone(client, outbox, account, number=NUMBER) -> dict:
    phone = data(await add(client, account, number))
    code = await outbox.code(number, "business_phone_code")
    response = await client.post(
        f"/user-services/business-phones/{phone['id']}/verify",
        headers=account.headers,
        json={"otp": code},
    )
    assert response.status_code == 200, response.text
    return data(response)


async def _minute_passes(phone_id: str) -> None:
    """The resend cooldown is a Redis key with a real TTL, which clock.travel cannot move."""
    await ratelimit.release_cooldown("business-phone:resend", phone_id)


async def test_adding_a_number_texts_a_code_that_verifies_it(client, outbox, vendor):
    response = await add(client, vendor, "0712 345 678")

    assert response.status_code == 201
    phone = data(response)
    assert phone["phone_number"] == NUMBER  # national format, default region TZ
    assert phone["status"] == "pending"
    assert phone["resend_after_seconds"] == 60
    message = await outbox.last(to=NUMBER, template="business_phone_code")
    assert message["channel"] == "sms"
    code = await outbox.code(NUMBER, "business_phone_code")
    stored = await BusinessPhone.get(ObjectId(phone["id"]))
    assert stored.code_hash  # a keyed digest, not the code
    assert code not in stored.code_hash

    wrong = await client.post(
        f"/user-services/business-phones/{phone['id']}/verify",
        headers=vendor.headers,
        json={"otp": "000000" if code != "000000" else "111111"},
    )
    assert wrong.status_code == 400
    assert body(wrong)["code"] == "INVALID_CODE"

    right = await client.post(
        f"/user-services/business-phones/{phone['id']}/verify",
        headers=vendor.headers,
        json={"otp": code},
    )
    assert right.status_code == 200
    assert data(right)["is_verified"] is True
    assert data(right)["verified_at"]
    listed = data(await client.get("/user-services/business-phones/list", headers=vendor.headers))
    assert [(p["phone_number"], p["status"]) for p in listed] == [(NUMBER, "verified")]
    again = await client.post(
        f"/user-services/business-phones/{phone['id']}/verify",
        headers=vendor.headers,
        json={"otp": code},
    )
    assert data(again)["is_verified"] is True  # harmless


async def test_codes_expire_and_wrong_codes_run_out(client, outbox, vendor):
    phone = data(await add(client, vendor))
    code = await outbox.code(NUMBER, "business_phone_code")
    path = f"/user-services/business-phones/{phone['id']}/verify"
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(5):
        await client.post(path, headers=vendor.headers, json={"otp": wrong})
    spent = await client.post(path, headers=vendor.headers, json={"otp": code})
    assert body(spent)["code"] == "CODE_ATTEMPTS_EXCEEDED"

    await _minute_passes(phone["id"])
    resent = await client.post(
        f"/user-services/business-phones/{phone['id']}/resend", headers=vendor.headers
    )
    assert resent.status_code == 200
    new_code = await outbox.code(NUMBER, "business_phone_code")
    clock.travel(timedelta(minutes=6))
    expired = await client.post(path, headers=vendor.headers, json={"otp": new_code})
    assert expired.status_code == 400
    assert body(expired)["code"] == "CODE_EXPIRED"


async def test_a_new_code_waits_a_minute_and_replaces_the_old_one(client, outbox, vendor):
    phone = data(await add(client, vendor))
    old = await outbox.code(NUMBER, "business_phone_code")
    resend = f"/user-services/business-phones/{phone['id']}/resend"

    too_soon = await client.post(resend, headers=vendor.headers)
    assert too_soon.status_code == 429
    assert "Retry-After" in too_soon.headers

    await _minute_passes(phone["id"])
    assert (await client.post(resend, headers=vendor.headers)).status_code == 200
    new = await outbox.code(NUMBER, "business_phone_code")
    if old != new:
        stale = await client.post(
            f"/user-services/business-phones/{phone['id']}/verify",
            headers=vendor.headers,
            json={"otp": old},
        )
        assert stale.status_code == 400


async def test_a_number_is_added_once(client, outbox, vendor, rival):
    first = data(await add(client, vendor))

    again = await add(client, vendor)
    assert again.status_code == 409
    assert body(again)["data"] == {"phone_id": first["id"]}
    assert body(again)["errors"][0]["field"] == "phone_number"
    # Another provider may verify the same number for themselves.
    assert (await add(client, rival)).status_code == 201


async def test_bad_numbers_and_non_providers(client, vendor, client_user):
    bad = await add(client, vendor, "12")
    assert bad.status_code == 400
    assert body(bad)["errors"][0]["field"] == "phone_number"
    not_provider = await add(client, client_user)
    assert not_provider.status_code == 403


async def test_another_providers_phone_is_404(client, outbox, vendor, rival):
    phone = data(await add(client, vendor))
    code = await outbox.code(NUMBER, "business_phone_code")

    verify = await client.post(
        f"/user-services/business-phones/{phone['id']}/verify",
        headers=rival.headers,
        json={"otp": code},
    )
    assert verify.status_code == 404
    remove = await client.delete(
        f"/user-services/business-phones/{phone['id']}", headers=rival.headers
    )
    assert remove.status_code == 404
    assert data(await client.get("/user-services/business-phones", headers=rival.headers)) == []


async def test_a_verified_number_is_reused_and_cannot_be_removed_while_shown(
    client, outbox, vendor
):
    phone = await verified_phone(client, outbox, vendor)
    company = await make_company(client, vendor, business_phone_id=phone["id"])
    assert company["business_phone"] == {"id": phone["id"], "phone_number": NUMBER}
    second = await make_company(client, vendor, business_phone_id=phone["id"])
    assert second["business_phone"]["id"] == phone["id"]

    blocked = await client.delete(
        f"/user-services/business-phones/{phone['id']}", headers=vendor.headers
    )
    assert blocked.status_code == 409
    assert body(blocked)["code"] == "IN_USE"
    assert body(blocked)["data"] == {"companies": 2}

    for item in (company, second):
        await client.put(
            f"/companies/{item['id']}", headers=vendor.headers, json={"business_phone_id": None}
        )
    removed = await client.delete(
        f"/user-services/business-phones/{phone['id']}", headers=vendor.headers
    )
    assert removed.status_code == 200


async def test_an_unverified_number_cannot_be_shown(client, vendor):
    phone = data(await add(client, vendor))

    response = await client.post(
        "/companies",
        headers=vendor.headers,
        json={"name": "Shop", "business_phone_id": phone["id"]},
    )

    assert response.status_code == 400
    assert body(response)["errors"] == [
        {"field": "business_phone_id", "message": "Verify this phone number first"}
    ]


async def test_concurrent_wrong_codes_cannot_pass_the_attempt_limit(
    monkeypatch, client, outbox, vendor
):
    """The attempt is counted in the same update that allows it (issue 11 item 7)."""
    round_trips_yield(monkeypatch, BusinessPhone.get_motor_collection())
    phone = data(await add(client, vendor))
    code = await outbox.code(NUMBER, "business_phone_code")
    path = f"/user-services/business-phones/{phone['id']}/verify"
    wrong = [f"{n:06d}" for n in range(100) if f"{n:06d}" != code][:50]

    answers = await asyncio.gather(
        *(client.post(path, headers=vendor.headers, json={"otp": guess}) for guess in wrong)
    )

    outcomes = [body(answer)["code"] for answer in answers]
    assert outcomes.count("INVALID_CODE") <= 5
    assert set(outcomes) <= {"INVALID_CODE", "CODE_ATTEMPTS_EXCEEDED"}
    right = await client.post(path, headers=vendor.headers, json={"otp": code})
    assert body(right)["code"] == "CODE_ATTEMPTS_EXCEEDED"
