"""Journeys a person goes through, end to end over HTTP."""

import pytest

from tests.conftest import make_settings
from tests.support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    PASSWORD,
    Staff,
    bearer,
    data,
    staff_sign_in,
    totp_now,
)


async def test_register_verify_enable_2fa_and_sign_in_with_totp(client, outbox):
    created = await client.post(
        "/auth/register",
        json={
            "firstName": "Neema",
            "lastName": "Mushi",
            "email": "neema@example.com",
            "password": PASSWORD,
        },
    )
    user_id = data(created)["id"]
    blocked = await client.post(
        "/auth/login", json={"email": "neema@example.com", "password": PASSWORD}
    )
    assert blocked.status_code == 403
    code = await outbox.code("neema@example.com", "verify_code")
    await client.post(
        "/auth/verify-otp",
        json={"user_id": user_id, "verification_type": "email", "otp_code": code},
    )
    tokens = data(
        await client.post("/auth/login", json={"email": "neema@example.com", "password": PASSWORD})
    )
    headers = bearer(tokens["access_token"])
    setup = data(
        await client.post(
            "/settings/security/2fa/enable",
            headers=headers,
            json={"method": "authenticator", "password": PASSWORD},
        )
    )
    await client.post(
        "/settings/security/2fa/verify", headers=headers, json={"code": totp_now(setup["secret"])}
    )
    challenge = data(
        await client.post(
            "/auth/signin",
            json={"credential": "neema@example.com", "password": PASSWORD, "remember_me": True},
        )
    )
    assert challenge["two_factor_required"] is True
    signed_in = data(
        await client.post(
            "/auth/2fa/verify",
            json={
                "challenge_token": challenge["challenge_token"],
                "code": totp_now(setup["secret"], 1),
            },
        )
    )
    refreshed = data(
        await client.post("/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    )
    me = await client.get("/auth/me", headers=bearer(refreshed["access_token"]))
    assert data(me)["two_factor_enabled"] is True
    await client.post("/auth/logout", headers=bearer(refreshed["access_token"]))
    assert (
        await client.get("/auth/me", headers=bearer(refreshed["access_token"]))
    ).status_code == 401


async def test_a_craftsman_registers_by_phone_and_confirms_a_new_device(client, outbox):
    created = data(
        await client.post(
            "/users/signup",
            json={
                "first_name": "Juma",
                "last_name": "Fundi",
                "phone": "+255744123456",
                "password": PASSWORD,
                "account_type": "provider",
            },
        )
    )
    code = await outbox.code("+255744123456", "verify_code")
    await client.post(
        "/users/verify-otp",
        json={"user_id": created["id"], "verification_type": "phone", "otp_code": code},
    )
    challenge = data(
        await client.post(
            "/auth/signin",
            headers={"X-Device-Id": "juma-phone"},
            json={"credential": "0744 123 456", "password": PASSWORD},
        )
    )
    assert challenge["device_verification_required"] is True
    assert challenge["methods"] == ["sms"]
    code = await outbox.code("+255744123456", "signin_code")
    tokens = data(
        await client.post(
            "/auth/devices/verify",
            json={"challenge_token": challenge["challenge_token"], "code": code},
        )
    )
    sessions = data(
        await client.get("/settings/security/sessions", headers=bearer(tokens["access_token"]))
    )
    assert sessions["items"][0]["is_current"] is True


async def test_forgot_password_reset_and_sign_in_again(client, outbox):
    created = data(
        await client.post(
            "/users/signup",
            json={
                "first_name": "Rose",
                "last_name": "Reset",
                "email": "rose@example.com",
                "password": PASSWORD,
            },
        )
    )
    code = await outbox.code("rose@example.com", "verify_code")
    await client.post(
        "/users/verify-otp",
        json={"user_id": created["id"], "verification_type": "email", "otp_code": code},
    )
    old = data(
        await client.post(
            "/auth/signin", json={"credential": "rose@example.com", "password": PASSWORD}
        )
    )
    await client.post("/auth/forgot-password", json={"email": "rose@example.com"})
    token = await outbox.link_token("rose@example.com", "password_reset_link")
    await client.post(
        "/auth/reset-password",
        json={
            "token": token,
            "password": "Another-Pass-55",
            "password_confirmation": "Another-Pass-55",
        },
    )
    assert (await client.get("/auth/me", headers=bearer(old["access_token"]))).status_code == 401
    assert (
        await client.post(
            "/auth/signin", json={"credential": "rose@example.com", "password": PASSWORD}
        )
    ).status_code == 401
    assert (
        await client.post(
            "/auth/signin", json={"credential": "rose@example.com", "password": "Another-Pass-55"}
        )
    ).status_code == 200


@pytest.fixture
def settings(tmp_path):
    return make_settings(
        tmp_path, bootstrap_admin_email=ADMIN_EMAIL, bootstrap_admin_password=ADMIN_PASSWORD
    )


async def test_staff_onboarding_from_the_bootstrap_admin(client):
    admin = await staff_sign_in(client, Staff(ADMIN_EMAIL, ADMIN_PASSWORD))
    created = data(
        await client.post(
            "/admin/staff",
            headers=admin.headers,
            json={
                "email": "editor@kwika-staff.example.com",
                "password": "Editor-Pass-321",
                "first_name": "Edi",
                "last_name": "Tor",
                "role": "author",
            },
        )
    )
    await client.patch(
        f"/admin/staff/{created['id']}", headers=admin.headers, json={"is_verified": True}
    )
    author = await staff_sign_in(client, Staff("editor@kwika-staff.example.com", "Editor-Pass-321"))
    me = data(await client.get("/admin/auth/me", headers=author.headers))
    assert me["role"] == "author"
    assert me["two_factor_enabled"] is True
    assert (await client.get("/admin/staff", headers=author.headers)).status_code == 403
    log = data(
        await client.get(
            "/admin/activity-logs", headers=admin.headers, params={"target_id": created["id"]}
        )
    )
    assert {item["action"] for item in log["items"]} >= {
        "staff.created",
        "staff.updated",
        "staff.signed_in",
    }
