from datetime import timedelta

from kwika.core import clock
from kwika.modules.activity.documents import ActivityLog
from tests.support import PASSWORD, bearer, body, data, login, register

NEW = "Brand-New-Pass-77"
SAME = "If an account exists for this address, password reset instructions have been sent"


async def test_forgot_password_answers_the_same_for_unknown_addresses(client, outbox):
    account = await register(client, outbox)
    known = await client.post("/auth/forgot-password", json={"email": account.email})
    unknown = await client.post("/auth/forgot-password", json={"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert body(known) == body(unknown) == {"success": True, "message": SAME, "data": None}
    assert await outbox.messages(to="ghost@example.com") == []
    assert len(await outbox.messages(to=account.email, template="password_reset_link")) == 1


async def test_reset_by_link_works_once_and_ends_every_session(client, outbox):
    account = await register(client, outbox)
    old_access = account.access_token
    await client.post("/auth/forgot-password", json={"email": account.email})
    token = await outbox.link_token(account.email, "password_reset_link")
    mismatch = await client.post(
        "/auth/reset-password",
        json={"token": token, "password": NEW, "password_confirmation": NEW + "x"},
    )
    assert mismatch.status_code == 400
    assert body(mismatch)["errors"] == [
        {"field": "password_confirmation", "message": "Passwords do not match"}
    ]
    response = await client.post(
        "/auth/reset-password", json={"token": token, "password": NEW, "password_confirmation": NEW}
    )
    assert response.status_code == 200
    assert body(response)["message"] == "Password reset successfully. You can now sign in."
    assert (await client.get("/auth/me", headers=bearer(old_access))).status_code == 401
    reused = await client.post(
        "/auth/reset-password", json={"token": token, "password": NEW, "password_confirmation": NEW}
    )
    assert reused.status_code == 400
    assert body(reused)["code"] == "INVALID_TOKEN"
    account.password = NEW
    assert (await login(client, account)).status_code == 200
    alert = await outbox.last(to=account.email, template="password_changed")
    assert "reset" in alert["body"]
    assert await ActivityLog.find_one({"action": "user.password_reset", "target_id": account.id})


async def test_an_expired_reset_link_is_refused(client, outbox):
    account = await register(client, outbox)
    await client.post("/auth/forgot-password", json={"email": account.email})
    token = await outbox.link_token(account.email, "password_reset_link")
    clock.travel(timedelta(hours=2))
    response = await client.post(
        "/auth/reset-password", json={"token": token, "password": NEW, "password_confirmation": NEW}
    )
    assert response.status_code == 400
    assert body(response)["code"] == "TOKEN_EXPIRED"


async def test_reset_by_sms_code(client, outbox):
    account = await register(client, outbox, email=None, phone="+255715000777")
    response = await client.post("/auth/forgot-password", json={"phone": "+255 715 000 777"})
    assert response.status_code == 200
    code = await outbox.code("+255715000777", "password_reset_code")
    response = await client.post(
        "/auth/reset-password",
        json={
            "phone": "+255715000777",
            "code": code,
            "password": NEW,
            "password_confirmation": NEW,
        },
    )
    assert response.status_code == 200
    account.password = NEW
    assert (await login(client, account)).status_code == 200


async def test_reset_requests_are_spaced_per_address(client, outbox):
    account = await register(client, outbox)
    assert (
        await client.post("/auth/forgot-password", json={"email": account.email})
    ).status_code == 200
    again = await client.post("/auth/forgot-password", json={"email": account.email})
    assert again.status_code == 429
    ghost_again = await client.post("/auth/forgot-password", json={"email": "ghost@example.com"})
    ghost_again = await client.post("/auth/forgot-password", json={"email": "ghost@example.com"})
    assert ghost_again.status_code == 429  # unknown addresses behave the same


async def test_weak_new_passwords_are_refused(client, outbox):
    account = await register(client, outbox)
    await client.post("/auth/forgot-password", json={"email": account.email})
    token = await outbox.link_token(account.email, "password_reset_link")
    response = await client.post(
        "/auth/reset-password",
        json={"token": token, "password": "password", "password_confirmation": "password"},
    )
    assert response.status_code == 400
    assert body(response)["errors"][0]["field"] == "password"


async def test_change_password_needs_the_current_one_and_ends_other_sessions(client, outbox):
    account = await register(client, outbox)
    other = data(
        await client.post("/auth/signin", json={"credential": account.email, "password": PASSWORD})
    )
    wrong = await client.post(
        "/users/change-password",
        headers=account.headers,
        json={"current_password": "Wrong-Pass-1", "new_password": NEW, "confirm_password": NEW},
    )
    assert wrong.status_code == 400
    assert body(wrong)["message"] == "Current password is incorrect"
    response = await client.post(
        "/users/change-password",
        headers=account.headers,
        json={"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW},
    )
    assert response.status_code == 200
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 200
    assert (await client.get("/auth/me", headers=bearer(other["access_token"]))).status_code == 401
    account.password = NEW
    assert (await login(client, account)).status_code == 200


async def test_the_new_password_must_differ(client, outbox):
    account = await register(client, outbox)
    response = await client.post(
        "/users/change-password",
        headers=account.headers,
        json={"current_password": PASSWORD, "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert response.status_code == 400
    assert body(response)["errors"][0]["field"] == "new_password"


async def test_forgot_password_answers_before_doing_any_work_for_the_account(
    client, outbox, monkeypatch
):
    """Issue 11 item 9: the answer takes the same path whether or not the account exists;
    the code, the link and the email are made afterwards, in the background. A failure
    there cannot change (or slow down) the answer."""
    from kwika.core.broker import drain
    from kwika.modules.identity.services import codes

    account = await register(client, outbox)
    by_sms = await register(client, outbox, email=None, phone="+255713000777")

    async def broken(*args, **kwargs):
        raise RuntimeError("the code store is down")

    monkeypatch.setattr(codes, "issue_link_token", broken)
    monkeypatch.setattr(codes, "issue_code", broken)
    known = await client.post("/auth/forgot-password", json={"email": account.email})
    known_phone = await client.post("/auth/forgot-password", json={"phone": by_sms.phone})
    unknown = await client.post("/auth/forgot-password", json={"email": "ghost@example.com"})
    await drain()

    for response in (known, known_phone, unknown):
        assert response.status_code == 200, response.text
        assert body(response) == {"success": True, "message": SAME, "data": None}


async def test_the_reset_email_and_sms_still_arrive(client, outbox):
    account = await register(client, outbox)
    by_sms = await register(client, outbox, email=None, phone="+255713000778")

    await client.post("/auth/forgot-password", json={"email": account.email})
    await client.post("/auth/forgot-password", json={"phone": "0713 000 778"})

    assert await outbox.link_token(account.email, "password_reset_link")
    assert await outbox.code(by_sms.phone, "password_reset_code")
