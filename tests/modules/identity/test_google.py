import pytest
import respx

from kwika.modules.identity.documents import User
from tests.conftest import make_settings
from tests.fakes.google import MOBILE_CLIENT_ID, FakeGoogle
from tests.support import PASSWORD, body, data, login, register

fake = FakeGoogle()


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, google=fake.settings())


@pytest.fixture(autouse=True)
def google_api():
    with respx.mock(assert_all_called=False) as router:
        fake.mount(router)
        yield router


async def _google_sign_in(client, sub, email, **extra):
    started = await client.post("/auth/google/login")
    assert started.status_code == 200, started.text
    code, state = fake.authorize(data(started)["authorization_url"], sub=sub, email=email, **extra)
    return await client.get("/auth/google/callback", params={"code": code, "state": state})


async def test_the_code_flow_creates_a_verified_account(client):
    response = await _google_sign_in(client, "g-1001", "Gina@Gmail.com")
    assert response.status_code == 200, response.text
    result = data(response)
    assert result["user"]["email"] == "gina@gmail.com"
    assert result["user"]["is_email_verified"] is True
    assert result["user"]["has_password"] is False
    assert result["user"]["first_name"] == "Gina"
    stored = await User.find_one(User.email == "gina@gmail.com")
    assert stored.google.sub == "g-1001"
    assert stored.password_hash is None
    again = await _google_sign_in(client, "g-1001", "gina@gmail.com")
    assert data(again)["user"]["id"] == result["user"]["id"]


async def test_the_authorization_url_carries_state_nonce_and_pkce(client):
    started = data(await client.get("/auth/google/login"))
    url = started["authorization_url"]
    assert url.startswith("https://google.fake/o/oauth2/v2/auth?")
    assert f"state={started['state']}" in url
    for part in ("code_challenge=", "code_challenge_method=S256", "nonce=", "scope=openid"):
        assert part in url


async def test_a_state_works_once_and_an_unknown_one_is_refused(client):
    started = data(await client.post("/auth/google/login"))
    code, state = fake.authorize(started["authorization_url"], sub="g-2", email="two@gmail.com")
    assert (
        await client.get("/auth/google/callback", params={"code": code, "state": state})
    ).status_code == 200
    replay = await client.get("/auth/google/callback", params={"code": code, "state": state})
    assert replay.status_code == 400
    assert body(replay)["code"] == "INVALID_STATE"
    denied = await client.get("/auth/google/callback", params={"error": "access_denied"})
    assert body(denied)["code"] == "GOOGLE_DENIED"


async def test_an_existing_account_is_linked_by_verified_email(client, outbox):
    account = await register(client, outbox)
    response = await _google_sign_in(client, "g-3", account.email)
    assert data(response)["user"]["id"] == account.id
    assert data(response)["user"]["has_password"] is True
    assert (await login(client, account)).status_code == 200  # the password still works


async def test_linking_drops_a_password_set_before_the_email_was_ever_verified(client):
    # Someone registered this address first but never verified it: their password must not
    # open the real owner's account once Google proves who owns the address.
    await client.post(
        "/users/signup",
        json={
            "first_name": "Squat",
            "last_name": "Ter",
            "email": "owner@gmail.com",
            "password": PASSWORD,
        },
    )
    response = await _google_sign_in(client, "g-4", "owner@gmail.com")
    assert data(response)["user"]["has_password"] is False
    squat = await client.post(
        "/auth/signin", json={"credential": "owner@gmail.com", "password": PASSWORD}
    )
    assert squat.status_code == 401


async def test_unverified_google_emails_and_foreign_tokens_are_refused(client):
    unverified = await _google_sign_in(client, "g-5", "x@gmail.com", email_verified=False)
    assert unverified.status_code == 401
    assert body(unverified)["code"] == "GOOGLE_EMAIL_UNVERIFIED"
    other_app = fake.id_token(sub="g-6", email="y@gmail.com", audience="someone-else")
    response = await client.post("/auth/google/token", json={"id_token": other_app})
    assert response.status_code == 401
    assert body(response)["code"] == "GOOGLE_AUTH_FAILED"
    wrong_issuer = fake.id_token(
        sub="g-6", email="y@gmail.com", audience=MOBILE_CLIENT_ID, issuer="https://evil.example"
    )
    assert (
        await client.post("/auth/google/token", json={"id_token": wrong_issuer})
    ).status_code == 401
    expired = fake.id_token(
        sub="g-6", email="y@gmail.com", audience=MOBILE_CLIENT_ID, expires_in=-120
    )
    assert (await client.post("/auth/google/token", json={"id_token": expired})).status_code == 401
    unknown_key = fake.id_token(
        sub="g-6", email="y@gmail.com", audience=MOBILE_CLIENT_ID, kid="rotated-away"
    )
    assert (
        await client.post("/auth/google/token", json={"id_token": unknown_key})
    ).status_code == 401


async def test_mobile_apps_sign_in_with_an_id_token(client):
    token = fake.id_token(sub="g-7", email="mobile@gmail.com", audience=MOBILE_CLIENT_ID)
    response = await client.post("/auth/google/token", json={"idToken": token, "rememberMe": True})
    assert response.status_code == 200
    assert data(response)["user"]["email"] == "mobile@gmail.com"


async def test_a_google_only_account_can_add_a_password(client):
    token = fake.id_token(sub="g-8", email="pw@gmail.com", audience=MOBILE_CLIENT_ID)
    signed_in = data(await client.post("/auth/google/token", json={"id_token": token}))
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    refused = await client.request(
        "DELETE",
        "/settings/accounts/disconnect/google",
        headers=headers,
        json={"password": "whatever"},
    )
    assert refused.status_code == 400
    assert body(refused)["code"] == "ONLY_LOGIN_METHOD"
    response = await client.post(
        "/users/password",
        headers=headers,
        json={"new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert response.status_code == 200
    again = await client.post(
        "/users/password",
        headers=headers,
        json={"new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert again.status_code == 409
    signin = await client.post(
        "/auth/signin", json={"credential": "pw@gmail.com", "password": PASSWORD}
    )
    assert signin.status_code == 200
    disconnected = await client.request(
        "DELETE",
        "/settings/accounts/disconnect/google",
        headers=headers,
        json={"password": PASSWORD},
    )
    assert disconnected.status_code == 200


async def test_connecting_google_from_settings_needs_the_same_signed_in_user(client, outbox):
    account = await register(client, outbox)
    started = data(await client.post("/settings/accounts/connect/google", headers=account.headers))
    code, state = fake.authorize(started["authorization_url"], sub="g-9", email="other@gmail.com")
    # Opened by somebody else (a victim lured to the link), the callback refuses to link.
    victim = await register(client, outbox)
    refused = await client.get(
        "/auth/google/callback", headers=victim.headers, params={"code": code, "state": state}
    )
    assert refused.status_code == 403
    assert body(refused)["code"] == "GOOGLE_LINK_FORBIDDEN"
    started = data(await client.post("/settings/accounts/connect/google", headers=account.headers))
    code, state = fake.authorize(started["authorization_url"], sub="g-9", email="other@gmail.com")
    linked = await client.get(
        "/auth/google/callback", headers=account.headers, params={"code": code, "state": state}
    )
    assert linked.status_code == 200
    assert data(linked)["id"] == account.id
    token = fake.id_token(sub="g-9", email="other@gmail.com", audience=MOBILE_CLIENT_ID)
    via_google = await client.post("/auth/google/token", json={"id_token": token})
    assert data(via_google)["user"]["id"] == account.id


async def test_google_sign_in_still_asks_for_the_second_factor(client, outbox):
    from tests.modules.identity.test_two_factor import _enable_authenticator

    token = fake.id_token(sub="g-10", email="twofa@gmail.com", audience=MOBILE_CLIENT_ID)
    signed_in = data(await client.post("/auth/google/token", json={"id_token": token}))
    await client.post(
        "/users/password",
        headers={"Authorization": f"Bearer {signed_in['access_token']}"},
        json={"new_password": PASSWORD, "confirm_password": PASSWORD},
    )

    class Holder:
        headers = {"Authorization": f"Bearer {signed_in['access_token']}"}

    await _enable_authenticator(client, Holder)
    again = await client.post("/auth/google/token", json={"id_token": token})
    assert data(again)["two_factor_required"] is True


async def test_google_endpoints_answer_503_when_not_configured(tmp_path, redis_endpoint):
    import httpx
    from asgi_lifespan import LifespanManager

    from kwika.asgi import create_app

    app = create_app(make_settings(tmp_path), redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/api/v1"
        ) as plain,
    ):
        response = await plain.post("/auth/google/login")
    assert response.status_code == 503
    assert body(response)["code"] == "GOOGLE_NOT_CONFIGURED"


async def test_a_new_google_account_is_welcomed_once(client, outbox):
    await _google_sign_in(client, "g-w1", "welcome@gmail.com")
    await _google_sign_in(client, "g-w1", "welcome@gmail.com")

    welcome = await outbox.messages(to="welcome@gmail.com", template="welcome")
    assert [m["subject"] for m in welcome] == ["Welcome to Kwika, Gina!"]


async def test_linking_google_to_a_never_verified_account_welcomes_it(client, outbox):
    await client.post(
        "/users/signup",
        json={
            "first_name": "Una",
            "last_name": "V",
            "email": "una@gmail.com",
            "password": PASSWORD,
        },
    )
    await _google_sign_in(client, "g-w2", "una@gmail.com")
    assert len(await outbox.messages(to="una@gmail.com", template="welcome")) == 1

    verified = await register(client, outbox)
    await _google_sign_in(client, "g-w3", verified.email)  # already verified and welcomed
    assert len(await outbox.messages(to=verified.email, template="welcome")) == 1
