from datetime import timedelta

from bson import ObjectId

from kwika.core import clock
from kwika.modules.identity.documents import User, VerificationCode
from tests.support import PASSWORD, body, data, register


async def _signup(client, email="verify@example.com"):
    response = await client.post(
        "/users/signup",
        json={"first_name": "Vera", "last_name": "Fied", "email": email, "password": PASSWORD},
    )
    return data(response)["id"]


async def test_a_code_verifies_the_email(client, outbox):
    user_id = await _signup(client)
    code = await outbox.code("verify@example.com", "verify_code")
    response = await client.post(
        "/users/verify-otp",
        json={"user_id": user_id, "verification_type": "email", "otp_code": code},
    )
    assert response.status_code == 200
    assert body(response)["message"] == "Email verified successfully"
    assert data(response)["verified_at"].endswith("Z")
    assert (await User.get(user_id)).is_email_verified


async def test_codes_are_stored_as_digests_never_in_clear(client, outbox):
    user_id = await _signup(client)
    code = await outbox.code("verify@example.com", "verify_code")
    stored = await VerificationCode.find_one(VerificationCode.user_id == ObjectId(user_id))
    assert stored is not None
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64


async def test_a_wrong_code_and_an_expired_code_are_different_errors(client, outbox):
    user_id = await _signup(client)
    code = await outbox.code("verify@example.com", "verify_code")
    wrong = "000000" if code != "000000" else "111111"
    response = await client.post(
        "/auth/verify-otp", json={"userId": user_id, "verificationType": "email", "otpCode": wrong}
    )
    assert response.status_code == 400
    assert body(response) == {
        "success": False,
        "message": "Invalid OTP code",
        "code": "INVALID_CODE",
    }
    clock.travel(timedelta(minutes=6))
    response = await client.post(
        "/users/verify-otp",
        json={"user_id": user_id, "verification_type": "email", "otp_code": code},
    )
    assert response.status_code == 400
    assert body(response)["code"] == "CODE_EXPIRED"
    assert body(response)["message"] == "OTP code has expired. Please request a new one."


async def test_five_wrong_codes_lock_the_code(client, outbox):
    user_id = await _signup(client)
    code = await outbox.code("verify@example.com", "verify_code")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        await client.post(
            "/users/verify-otp",
            json={"user_id": user_id, "verification_type": "email", "otp_code": wrong},
        )
    response = await client.post(
        "/users/verify-otp",
        json={"user_id": user_id, "verification_type": "email", "otp_code": code},
    )
    assert body(response)["code"] == "CODE_ATTEMPTS_EXCEEDED"


async def test_requesting_a_new_code_masks_the_destination_and_waits_60_seconds(client, outbox):
    user_id = await _signup(client)
    first_code = await outbox.code("verify@example.com", "verify_code")
    response = await client.post(
        "/users/request-otp", json={"user_id": user_id, "verification_type": "email"}
    )
    assert response.status_code == 200
    assert data(response) == {
        "user_id": user_id,
        "verification_type": "email",
        "expires_in": 300,
        "sent_to": "v***@example.com",
    }
    again = await client.post(
        "/users/request-otp", json={"user_id": user_id, "verification_type": "email"}
    )
    assert again.status_code == 429
    assert body(again)["message"] == "Too many OTP requests. Please wait 60 seconds."
    assert 0 < body(again)["data"]["retry_after"] <= 60
    assert again.headers["Retry-After"] == str(body(again)["data"]["retry_after"])
    new_code = await outbox.code("verify@example.com", "verify_code")
    if new_code != first_code:  # the old code no longer works once a new one is sent
        old = await client.post(
            "/users/verify-otp",
            json={"user_id": user_id, "verification_type": "email", "otp_code": first_code},
        )
        assert old.status_code == 400


async def test_unknown_and_malformed_user_ids_are_404(client):
    for user_id in ("0123456789abcdef01234567", "not-an-id"):
        response = await client.post(
            "/users/request-otp", json={"user_id": user_id, "verification_type": "email"}
        )
        assert response.status_code == 404
        assert body(response)["message"] == "User not found"


async def test_an_account_without_a_phone_cannot_ask_for_an_sms_code(client):
    user_id = await _signup(client)
    response = await client.post(
        "/users/request-otp", json={"user_id": user_id, "verification_type": "phone"}
    )
    assert response.status_code == 400
    assert body(response)["code"] == "NO_SUCH_CONTACT"


async def test_an_already_verified_address_is_409(client, outbox):
    account = await register(client, outbox)
    response = await client.post(
        "/users/request-otp", json={"user_id": account.id, "verification_type": "email"}
    )
    assert response.status_code == 409


async def test_the_signed_email_link_verifies_the_email(client, outbox):
    user_id = await _signup(client)
    token = await outbox.link_token("verify@example.com", "verify_code")
    response = await client.post("/auth/verify-email", json={"token": token})
    assert response.status_code == 200
    assert (await User.get(user_id)).is_email_verified
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = await client.post("/auth/verify-email", json={"token": tampered})
    assert response.status_code == 400
    assert body(response)["code"] == "INVALID_TOKEN"


async def test_an_expired_email_link_is_refused(client, outbox, settings):
    await _signup(client)
    token = await outbox.link_token("verify@example.com", "verify_code")
    clock.travel(timedelta(hours=25))
    response = await client.post("/auth/verify-email", json={"token": token})
    assert response.status_code == 400
    assert body(response)["code"] == "TOKEN_EXPIRED"
