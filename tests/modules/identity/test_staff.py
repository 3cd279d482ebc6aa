import pytest

from kwika.modules.activity.documents import ActivityLog
from tests.conftest import make_settings
from tests.support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Staff,
    bearer,
    body,
    data,
    register,
    staff_sign_in,
    totp_now,
)


@pytest.fixture
def settings(tmp_path):
    return make_settings(
        tmp_path, bootstrap_admin_email=ADMIN_EMAIL, bootstrap_admin_password=ADMIN_PASSWORD
    )


@pytest.fixture
async def admin(client):
    return await staff_sign_in(client, Staff(ADMIN_EMAIL, ADMIN_PASSWORD))


async def test_the_bootstrap_admin_enrols_totp_at_first_sign_in(client):
    response = await client.post(
        "/admin/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    first = data(response)
    assert first["totp_setup_required"] is True
    assert first["otpauth_uri"].startswith("otpauth://totp/")
    assert first["qr_code_url"].startswith("data:image/png;base64,")
    assert "access_token" not in first
    done = await client.post(
        "/admin/auth/2fa/verify",
        json={"challenge_token": first["challenge_token"], "code": totp_now(first["secret"])},
    )
    assert done.status_code == 200
    assert data(done)["staff"]["role"] == "admin"
    assert data(done)["staff"]["two_factor_enabled"] is True
    second = data(
        await client.post(
            "/admin/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
    )
    assert second["two_factor_required"] is True
    assert second["secret"] is None
    replay = await client.post(
        "/admin/auth/2fa/verify",
        json={"challenge_token": second["challenge_token"], "code": totp_now(first["secret"])},
    )
    assert replay.status_code == 400
    assert body(replay)["code"] == "CODE_REPLAYED"


async def test_wrong_staff_password_is_401(client):
    response = await client.post(
        "/admin/auth/login", json={"email": ADMIN_EMAIL, "password": "Wrong-Pass-123"}
    )
    assert response.status_code == 401


async def test_user_tokens_never_pass_staff_routes_and_staff_tokens_never_pass_user_routes(
    client, outbox, admin
):
    user = await register(client, outbox)
    for path in ("/admin/staff", "/admin/auth/me", "/admin/activity-logs"):
        response = await client.get(path, headers=user.headers)
        assert response.status_code == 401, path
        assert body(response)["code"] == "WRONG_TOKEN_TYPE"
    response = await client.get("/auth/me", headers=admin.headers)
    assert response.status_code == 401
    assert (
        await client.post("/auth/refresh", json={"refresh_token": admin.refresh_token})
    ).status_code == 401
    assert (
        await client.post("/admin/auth/refresh", json={"refresh_token": user.refresh_token})
    ).status_code == 401


async def test_admins_create_and_verify_staff(client, admin):
    created = await client.post(
        "/admin/staff",
        headers=admin.headers,
        json={
            "email": "mod@kwika-staff.example.com",
            "password": "Moderator-Pass-9",
            "first_name": "Mo",
            "last_name": "Derator",
            "role": "moderator",
        },
    )
    assert created.status_code == 201
    moderator = data(created)
    assert moderator["is_verified"] is False
    blocked = await client.post(
        "/admin/auth/login",
        json={"email": "mod@kwika-staff.example.com", "password": "Moderator-Pass-9"},
    )
    assert blocked.status_code == 403
    assert body(blocked)["code"] == "STAFF_NOT_VERIFIED"
    verified = await client.patch(
        f"/admin/staff/{moderator['id']}", headers=admin.headers, json={"is_verified": True}
    )
    assert data(verified)["is_verified"] is True
    mod = await staff_sign_in(client, Staff("mod@kwika-staff.example.com", "Moderator-Pass-9"))
    # Moderators may not manage staff or read the activity log.
    assert (await client.get("/admin/staff", headers=mod.headers)).status_code == 403
    assert (await client.get("/admin/activity-logs", headers=mod.headers)).status_code == 403
    duplicate = await client.post(
        "/admin/staff",
        headers=admin.headers,
        json={
            "email": "MOD@kwika-staff.example.com",
            "password": "Moderator-Pass-9",
            "first_name": "Mo",
            "last_name": "Again",
            "role": "viewer",
        },
    )
    assert duplicate.status_code == 409
    listed = data(
        await client.get("/admin/staff", headers=admin.headers, params={"role": "moderator"})
    )
    assert [s["email"] for s in listed["items"]] == ["mod@kwika-staff.example.com"]


async def test_role_changes_and_deactivation_end_the_members_sessions(client, admin):
    await client.post(
        "/admin/staff",
        headers=admin.headers,
        json={
            "email": "author@kwika-staff.example.com",
            "password": "Author-Pass-99",
            "first_name": "Au",
            "last_name": "Thor",
            "role": "author",
            "is_verified": True,
        },
    )
    author = await staff_sign_in(client, Staff("author@kwika-staff.example.com", "Author-Pass-99"))
    response = await client.patch(
        f"/admin/staff/{author.id}", headers=admin.headers, json={"role": "viewer"}
    )
    assert data(response)["role"] == "viewer"
    assert (await client.get("/admin/auth/me", headers=author.headers)).status_code == 401
    await staff_sign_in(client, author, step=1)
    me = data(await client.get("/admin/auth/me", headers=author.headers))
    assert me["role"] == "viewer"
    await client.patch(
        f"/admin/staff/{author.id}", headers=admin.headers, json={"is_active": False}
    )
    response = await client.post(
        "/admin/auth/login",
        json={"email": "author@kwika-staff.example.com", "password": "Author-Pass-99"},
    )
    assert body(response)["code"] == "STAFF_DEACTIVATED"


async def test_the_last_admin_cannot_be_demoted_and_nobody_changes_themselves(client, admin):
    self_change = await client.patch(
        f"/admin/staff/{admin.id}", headers=admin.headers, json={"role": "viewer"}
    )
    assert self_change.status_code == 409
    second = data(
        await client.post(
            "/admin/staff",
            headers=admin.headers,
            json={
                "email": "admin2@kwika-staff.example.com",
                "password": "Admin-Two-Pass-1",
                "first_name": "Ad",
                "last_name": "Two",
                "role": "admin",
                "is_verified": True,
            },
        )
    )
    admin2 = await staff_sign_in(
        client, Staff("admin2@kwika-staff.example.com", "Admin-Two-Pass-1")
    )
    demoted = await client.patch(
        f"/admin/staff/{admin.id}", headers=admin2.headers, json={"role": "moderator"}
    )
    assert demoted.status_code == 200
    last = await client.patch(
        f"/admin/staff/{second['id']}", headers=admin2.headers, json={"is_active": False}
    )
    assert last.status_code == 409  # admin2 changing itself


async def test_staff_logout_and_unknown_staff_ids(client, admin):
    assert (
        await client.get("/admin/staff/0123456789abcdef01234567", headers=admin.headers)
    ).status_code == 404
    assert (await client.get("/admin/staff/bad", headers=admin.headers)).status_code == 404
    assert (await client.post("/admin/auth/logout", headers=admin.headers)).status_code == 200
    assert (await client.get("/admin/auth/me", headers=admin.headers)).status_code == 401


async def test_the_activity_log_records_staff_and_user_actions(client, outbox, admin):
    user = await register(client, outbox)
    await client.post(
        "/admin/staff",
        headers=admin.headers,
        json={
            "email": "viewer@kwika-staff.example.com",
            "password": "Viewer-Pass-123",
            "first_name": "Vi",
            "last_name": "Ewer",
            "role": "viewer",
        },
    )
    page = data(await client.get("/admin/activity-logs", headers=admin.headers))
    actions = [item["action"] for item in page["items"]]
    assert "staff.created" in actions
    assert "user.registered" in actions
    assert "staff.signed_in" in actions
    mine = data(
        await client.get(
            "/admin/activity-logs",
            headers=admin.headers,
            params={"action": "user.registered", "target_id": user.id},
        )
    )
    assert mine["pagination"]["total_items"] == 1
    assert mine["items"][0]["actor_type"] == "user"
    assert await ActivityLog.find({"action": "staff.created"}).count() == 2  # bootstrap + viewer
    assert (await client.get("/admin/activity-logs", headers=bearer("garbage"))).status_code == 401


async def _second_admin(client, admin):
    created = await client.post(
        "/admin/staff",
        headers=admin.headers,
        json={
            "email": "admin2@kwika-staff.example.com",
            "password": "Admin-Two-Pass-1",
            "first_name": "Ad",
            "last_name": "Two",
            "role": "admin",
            "is_verified": True,
        },
    )
    assert created.status_code == 201, created.text
    return await staff_sign_in(client, Staff("admin2@kwika-staff.example.com", "Admin-Two-Pass-1"))


async def test_an_admin_cannot_unverify_themselves(client, admin):
    response = await client.patch(
        f"/admin/staff/{admin.id}", headers=admin.headers, json={"is_verified": False}
    )

    assert response.status_code == 409
    assert body(response)["code"] == "SELF_CHANGE"
    assert "own" in body(response)["message"]
    me = data(await client.get("/admin/auth/me", headers=admin.headers))
    assert me["is_verified"] is True


async def test_two_admins_cannot_lock_each_other_out(client, admin):
    admin2 = await _second_admin(client, admin)

    unverified = await client.patch(
        f"/admin/staff/{admin.id}", headers=admin2.headers, json={"is_verified": False}
    )
    assert unverified.status_code == 200, unverified.text
    # The unverified admin's sessions ended with the change: it cannot strike back.
    back = await client.patch(
        f"/admin/staff/{admin2.id}", headers=admin.headers, json={"is_verified": False}
    )
    assert back.status_code == 401
    me = data(await client.get("/admin/auth/me", headers=admin2.headers))
    assert me["is_verified"] is True
    assert me["is_active"] is True
