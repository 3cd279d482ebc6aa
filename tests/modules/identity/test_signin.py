from datetime import timedelta

from kwika.core import clock
from kwika.modules.identity.documents import Suspension, User
from tests.support import PASSWORD, body, data, login, register

BAD = "Invalid credentials: check your email, phone or username and your password"


async def test_sign_in_with_email_phone_or_username(client, outbox):
    account = await register(client, outbox, phone="+255713000444")
    for credential in ("USER" + account.email[4:].upper(), "0713 000 444", account.username):
        response = await client.post(
            "/auth/signin", json={"credential": credential, "password": PASSWORD}
        )
        assert response.status_code == 200, (credential, response.text)
    response = await client.post(
        "/auth/login", json={"loginIdentifier": account.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    result = data(response)
    assert result["token_type"] == "Bearer"
    assert result["expires_in"] == 900
    assert result["user"]["id"] == account.id
    assert result["user"]["email"] == account.email
    assert {"access_token", "refresh_token", "session_id"} <= result.keys()
    assert "password_hash" not in str(result)


async def test_wrong_password_and_unknown_account_get_the_same_401(client, outbox):
    account = await register(client, outbox, sign_in=False)
    wrong = await client.post(
        "/auth/signin", json={"credential": account.email, "password": "Wrong-Pass-123"}
    )
    unknown = await client.post(
        "/auth/signin", json={"credential": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert (
        body(wrong)
        == body(unknown)
        == {"success": False, "message": BAD, "code": "INVALID_CREDENTIALS"}
    )


async def test_unverified_accounts_are_told_to_verify(client):
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "Not",
            "last_name": "Yet",
            "email": "notyet@example.com",
            "password": PASSWORD,
        },
    )
    user_id = data(response)["id"]
    response = await client.post(
        "/auth/signin", json={"credential": "notyet@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert body(response)["code"] == "VERIFICATION_REQUIRED"
    assert body(response)["data"] == {"user_id": user_id, "verification_required": "email"}


async def test_suspended_and_banned_accounts_get_the_reason_and_dates(client, outbox):
    account = await register(client, outbox, sign_in=False)
    user = await User.get(account.id)
    user.status = "suspended"
    user.suspension = Suspension(
        reason="Spam reports", since=clock.now(), until=clock.now() + timedelta(days=2)
    )
    await user.save()
    response = await login(client, account)
    assert response.status_code == 403
    assert body(response)["code"] == "ACCOUNT_SUSPENDED"
    assert body(response)["data"]["reason"] == "Spam reports"
    assert body(response)["data"]["until"].endswith("Z")
    clock.travel(timedelta(days=3))
    assert (await login(client, account)).status_code == 200  # the suspension ended
    user = await User.get(account.id)
    user.status = "banned"
    user.suspension = Suspension(reason="Fraud", since=clock.now())
    await user.save()
    response = await login(client, account)
    assert response.status_code == 403
    assert body(response)["code"] == "ACCOUNT_BANNED"


async def test_the_sixth_failed_sign_in_within_15_minutes_is_429(client, outbox):
    account = await register(client, outbox, sign_in=False)
    for _ in range(5):
        response = await client.post(
            "/auth/signin", json={"credential": account.email, "password": "Wrong-Pass-123"}
        )
        assert response.status_code == 401
    response = await client.post(
        "/auth/signin", json={"credential": account.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert 800 < int(response.headers["Retry-After"]) <= 900
    assert body(response)["data"]["retry_after"] == int(response.headers["Retry-After"])


async def test_failures_are_limited_per_network_address_across_accounts(client):
    for n in range(20):
        response = await client.post(
            "/auth/signin",
            json={"credential": f"ghost{n}@example.com", "password": "Wrong-Pass-123"},
        )
        assert response.status_code == 401
    response = await client.post(
        "/auth/signin", json={"credential": "ghost99@example.com", "password": "Wrong-Pass-123"}
    )
    assert response.status_code == 429


async def test_a_successful_sign_in_clears_the_account_failures(client, outbox):
    account = await register(client, outbox, sign_in=False)
    for _ in range(4):
        await client.post(
            "/auth/signin", json={"credential": account.email, "password": "Wrong-Pass-123"}
        )
    assert (await login(client, account)).status_code == 200
    for _ in range(4):
        await client.post(
            "/auth/signin", json={"credential": account.email, "password": "Wrong-Pass-123"}
        )
    assert (await login(client, account)).status_code == 200


async def test_staff_type_must_use_the_staff_sign_in(client, outbox):
    account = await register(client, outbox, sign_in=False)
    response = await client.post(
        "/auth/login",
        json={"loginIdentifier": account.email, "password": PASSWORD, "type": "admins"},
    )
    assert response.status_code == 403
    assert body(response)["code"] == "USE_STAFF_SIGNIN"


async def test_credential_is_required(client):
    response = await client.post("/auth/signin", json={"password": PASSWORD})
    assert response.status_code == 400
    assert body(response)["errors"] == [
        {"field": "credential", "message": "Email, phone number or username is required"}
    ]


async def test_me_returns_the_user_with_counters(client, outbox):
    account = await register(client, outbox)
    response = await client.get("/auth/me", headers=account.headers)
    assert response.status_code == 200
    me = data(response)
    assert me["id"] == account.id
    assert me["follower_count"] == me["following_count"] == me["service_count"] == 0
    assert me["is_email_verified"] is True
    assert me["created_at"].endswith("Z")


async def test_protected_routes_need_a_valid_token(client):
    assert (await client.get("/auth/me")).status_code == 401
    response = await client.get("/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert body(response)["code"] == "INVALID_TOKEN"
    response = await client.get("/auth/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401


async def test_the_lockout_counts_per_account_whatever_the_identifier(client, outbox):
    account = await register(client, outbox, phone="+255713000555", sign_in=False)
    credentials = [account.email, account.email, "0713 000 555", account.username, "+255713000555"]
    for credential in credentials:
        response = await client.post(
            "/auth/signin", json={"credential": credential, "password": "Wrong-Pass-123"}
        )
        assert response.status_code == 401
    for credential in (account.username, "0713000555", account.email.upper()):
        response = await client.post(
            "/auth/signin", json={"credential": credential, "password": PASSWORD}
        )
        assert response.status_code == 429, credential
        assert body(response)["data"]["retry_after"] == int(response.headers["Retry-After"])
