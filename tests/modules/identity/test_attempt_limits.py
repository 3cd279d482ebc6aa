"""Secrets checked behind a token have an attempt budget per account, like sign-in (issue 11
item 5): a stolen access token does not allow unlimited guessing of the password or of the
second factor."""

from __future__ import annotations

from tests.modules.identity.test_two_factor import _enable_authenticator
from tests.support import PASSWORD, body, register, totp_now

WRONG = "Wrong-Pass-123"
NEW = "Another-Strong-2027"


def assert_limited(response) -> None:
    assert response.status_code == 429, response.text
    assert body(response)["code"] == "RATE_LIMITED"
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 900
    assert body(response)["data"]["retry_after"] == retry_after


async def test_wrong_current_passwords_on_change_password_are_limited(client, outbox):
    account = await register(client, outbox)
    change = {"new_password": NEW, "confirm_password": NEW}
    for _ in range(5):
        response = await client.post(
            "/users/change-password",
            headers=account.headers,
            json={"current_password": WRONG, **change},
        )
        assert response.status_code == 400
    right = await client.post(
        "/users/change-password",
        headers=account.headers,
        json={"current_password": PASSWORD, **change},
    )
    assert_limited(right)


async def test_wrong_passwords_on_account_deletion_are_limited(client, outbox):
    account = await register(client, outbox)
    for _ in range(5):
        response = await client.request(
            "DELETE", "/users/account", headers=account.headers, json={"password": WRONG}
        )
        assert response.status_code == 400
    right = await client.request(
        "DELETE", "/users/account", headers=account.headers, json={"password": PASSWORD}
    )
    assert_limited(right)
    # Nothing was deleted: the account still answers.
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 200


async def test_wrong_codes_on_2fa_disable_are_limited(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    for n in range(10):
        response = await client.post(
            "/settings/security/2fa/disable",
            headers=account.headers,
            json={"password": PASSWORD, "code": f"{n:06d}"},
        )
        assert response.status_code == 400, response.text
    right = await client.post(
        "/settings/security/2fa/disable",
        headers=account.headers,
        json={"password": PASSWORD, "code": totp_now(setup["secret"], 1)},
    )
    assert_limited(right)


async def test_a_right_password_clears_the_failures(client, outbox):
    account = await register(client, outbox)
    for _ in range(2):
        for _ in range(4):
            await client.request(
                "DELETE", "/users/account", headers=account.headers, json={"password": WRONG}
            )
        ok = await client.post(
            "/settings/security/2fa/enable",
            headers=account.headers,
            json={"method": "authenticator", "password": PASSWORD},
        )
        assert ok.status_code == 200, ok.text
