from kwika.modules.activity.documents import ActivityLog
from tests.support import PASSWORD, bearer, body, data, login, register

ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


async def test_sessions_list_the_devices_with_the_current_one_marked(client, outbox):
    account = await register(client, outbox)
    phone_signin = await client.post(
        "/auth/signin",
        headers={"User-Agent": IPHONE},
        json={"credential": account.email, "password": PASSWORD},
    )
    phone_token = data(phone_signin)["access_token"]
    response = await client.get("/settings/security/sessions", headers=bearer(phone_token))
    assert response.status_code == 200
    page = data(response)
    assert page["pagination"]["total_items"] == 2
    current = [s for s in page["items"] if s["is_current"]]
    assert len(current) == 1
    assert current[0]["device"] == {
        "type": "mobile",
        "name": "iPhone",
        "os": "iOS 17",
        "browser": "Mobile Safari 17",
    }
    assert current[0]["location"]["ip"] == "203.0.xxx.xxx"
    assert current[0]["last_active_at"].endswith("Z")


async def test_revoking_another_session_ends_its_tokens(client, outbox):
    account = await register(client, outbox)
    other = data(
        await client.post(
            "/auth/signin",
            headers={"User-Agent": ANDROID},
            json={"credential": account.email, "password": PASSWORD},
        )
    )
    response = await client.delete(
        f"/settings/security/sessions/{other['session_id']}", headers=account.headers
    )
    assert response.status_code == 200
    assert (await client.get("/auth/me", headers=bearer(other["access_token"]))).status_code == 401
    assert (
        await client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]})
    ).status_code == 401
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 200


async def test_the_current_session_cannot_be_revoked_here(client, outbox):
    account = await register(client, outbox)
    me = data(await client.get("/settings/security/sessions", headers=account.headers))
    current = me["items"][0]["id"]
    response = await client.delete(
        f"/settings/security/sessions/{current}", headers=account.headers
    )
    assert response.status_code == 400
    assert body(response)["message"] == "Cannot revoke current session. Use logout instead."


async def test_another_users_session_and_malformed_ids_are_404(client, outbox):
    alice = await register(client, outbox)
    bob = await register(client, outbox)
    bobs = data(await client.get("/settings/security/sessions", headers=bob.headers))
    target = bobs["items"][0]["id"]
    assert (
        await client.delete(f"/settings/security/sessions/{target}", headers=alice.headers)
    ).status_code == 404
    assert (
        await client.delete("/settings/security/sessions/xyz", headers=alice.headers)
    ).status_code == 404
    assert (await client.get("/auth/me", headers=bob.headers)).status_code == 200


async def test_revoking_all_other_sessions_needs_the_password(client, outbox):
    account = await register(client, outbox)
    others = [
        data(
            await client.post(
                "/auth/signin", json={"credential": account.email, "password": PASSWORD}
            )
        )
        for _ in range(2)
    ]
    wrong = await client.request(
        "DELETE",
        "/settings/security/sessions",
        headers=account.headers,
        json={"password": "Wrong-Pass-123"},
    )
    assert wrong.status_code == 400
    response = await client.request(
        "DELETE",
        "/settings/security/sessions",
        headers=account.headers,
        json={"password": PASSWORD},
    )
    assert response.status_code == 200
    assert data(response)["revoked_count"] == 2
    for other in others:
        assert (
            await client.get("/auth/me", headers=bearer(other["access_token"]))
        ).status_code == 401
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 200


async def test_a_provider_confirms_a_new_device_with_a_code(client, outbox):
    provider = await register(client, outbox, account_type="provider", sign_in=False)
    first = await client.post(
        "/auth/signin",
        headers={"X-Device-Id": "laptop-1"},
        json={"credential": provider.email, "password": PASSWORD},
    )
    challenge = data(first)
    assert challenge["device_verification_required"] is True
    assert challenge["methods"] == ["email"]
    assert challenge["sent_to"] == provider.email[0] + "***@example.com"
    assert "access_token" not in challenge
    code = await outbox.code(provider.email, "signin_code")
    wrong = await client.post(
        "/auth/devices/verify",
        json={"challenge_token": challenge["challenge_token"], "code": "12345x"},
    )
    assert wrong.status_code == 400
    done = await client.post(
        "/auth/devices/verify", json={"challenge_token": challenge["challenge_token"], "code": code}
    )
    assert done.status_code == 200
    token = data(done)["access_token"]
    # The device is remembered: no challenge next time from it, one from another device.
    again = await client.post(
        "/auth/signin",
        headers={"X-Device-Id": "laptop-1"},
        json={"credential": provider.email, "password": PASSWORD},
    )
    assert "access_token" in data(again)
    other = await client.post(
        "/auth/signin",
        json={"credential": provider.email, "password": PASSWORD, "device_id": "phone-9"},
    )
    assert data(other)["device_verification_required"] is True
    devices = data(await client.get("/settings/security/devices", headers=bearer(token)))
    assert devices["pagination"]["total_items"] == 1
    device = devices["items"][0]
    assert device["is_current"] is True
    removed = await client.delete(
        f"/settings/security/devices/{device['id']}", headers=bearer(token)
    )
    assert data(removed)["revoked_count"] == 2  # both sessions on that device ended
    again = await client.post(
        "/auth/signin",
        headers={"X-Device-Id": "laptop-1"},
        json={"credential": provider.email, "password": PASSWORD},
    )
    assert data(again)["device_verification_required"] is True


async def test_a_provider_with_totp_needs_no_device_code(client, outbox):
    from tests.modules.identity.test_two_factor import _enable_authenticator
    from tests.support import totp_now

    provider = await register(client, outbox, account_type="provider", sign_in=False)
    challenge = data(await login(client, provider))
    code = await outbox.code(provider.email, "signin_code")
    provider.access_token = data(
        await client.post(
            "/auth/devices/verify",
            json={"challenge_token": challenge["challenge_token"], "code": code},
        )
    )["access_token"]
    setup = await _enable_authenticator(client, provider)
    response = await client.post(
        "/auth/signin",
        json={"credential": provider.email, "password": PASSWORD, "device_id": "new-tablet"},
    )
    assert data(response)["two_factor_required"] is True
    done = await client.post(
        "/auth/2fa/verify",
        json={
            "challenge_token": data(response)["challenge_token"],
            "code": totp_now(setup["secret"], 1),
        },
    )
    assert done.status_code == 200


async def test_sign_in_from_a_new_device_is_logged_and_alerted(client, outbox):
    account = await register(client, outbox)
    await client.post(
        "/auth/signin",
        headers={"User-Agent": ANDROID},
        json={"credential": account.email, "password": PASSWORD},
    )
    logs = await ActivityLog.find(
        {"action": "auth.signin_new_device", "target_id": account.id}
    ).to_list()
    assert len(logs) == 2  # the first device at sign-up, then the Android phone
    assert logs[-1].details["device"] == "Pixel 8"
    alerts = await outbox.messages(to=account.email, template="security_alert")
    assert len(alerts) == 1
    assert "Pixel 8" in alerts[0]["body"]
