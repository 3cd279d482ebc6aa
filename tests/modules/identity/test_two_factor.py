import base64
import io

from PIL import Image

from kwika.modules.identity.documents import User
from tests.support import PASSWORD, body, data, login, register, totp_now


async def _enable_authenticator(client, account):
    response = await client.post(
        "/settings/security/2fa/enable",
        headers=account.headers,
        json={"method": "authenticator", "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    setup = data(response)
    confirm = await client.post(
        "/settings/security/2fa/verify",
        headers=account.headers,
        json={"code": totp_now(setup["secret"])},
    )
    assert confirm.status_code == 200, confirm.text
    return setup


async def test_enabling_gives_a_secret_uri_qr_and_backup_codes(client, outbox):
    account = await register(client, outbox)
    response = await client.post(
        "/settings/security/2fa/enable",
        headers=account.headers,
        json={"method": "authenticator", "password": PASSWORD},
    )
    setup = data(response)
    assert setup["method"] == "authenticator"
    assert len(setup["secret"]) == 32  # 160 bits of base32
    assert setup["otpauth_uri"].startswith("otpauth://totp/Kwika:")
    assert f"secret={setup['secret']}" in setup["otpauth_uri"]
    prefix = "data:image/png;base64,"
    assert setup["qr_code_url"].startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(setup["qr_code_url"][len(prefix) :])))
    assert image.format == "PNG"
    assert len(setup["backup_codes"]) == len(set(setup["backup_codes"])) == 10
    stored = await User.get(account.id)
    assert setup["secret"] not in stored.model_dump_json()  # encrypted at rest
    assert not stored.two_factor.enabled


async def test_2fa_is_off_until_a_valid_code_confirms_it(client, outbox):
    account = await register(client, outbox)
    response = await client.post(
        "/settings/security/2fa/enable",
        headers=account.headers,
        json={"method": "authenticator", "password": PASSWORD},
    )
    secret = data(response)["secret"]
    assert "access_token" in data(await login(client, account))
    wrong = await client.post(
        "/settings/security/2fa/verify",
        headers=account.headers,
        json={"code": "000000" if totp_now(secret) != "000000" else "111111"},
    )
    assert wrong.status_code == 400
    assert body(wrong)["code"] == "INVALID_CODE"
    right = await client.post(
        "/settings/security/2fa/verify", headers=account.headers, json={"code": totp_now(secret)}
    )
    assert data(right)["two_factor_enabled"] is True
    assert data(right)["method"] == "authenticator"


async def test_enabling_needs_the_password(client, outbox):
    account = await register(client, outbox)
    response = await client.post(
        "/settings/security/2fa/enable",
        headers=account.headers,
        json={"method": "authenticator", "password": "Wrong-123-x"},
    )
    assert response.status_code == 400
    assert body(response)["code"] == "INVALID_PASSWORD"


async def test_sign_in_answers_a_challenge_then_tokens_for_a_totp_code(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    response = await client.post(
        "/auth/signin", json={"credential": account.email, "password": PASSWORD}
    )
    challenge = data(response)
    assert challenge["two_factor_required"] is True
    assert challenge["methods"] == ["authenticator", "backup_code"]
    assert challenge["expires_in"] == 300
    assert "access_token" not in challenge
    done = await client.post(
        "/auth/2fa/verify",
        json={
            "challenge_token": challenge["challenge_token"],
            "code": totp_now(setup["secret"], 1),
        },
    )
    assert done.status_code == 200, done.text
    assert data(done)["user"]["two_factor_enabled"] is True
    # The challenge is single use.
    again = await client.post(
        "/auth/2fa/verify",
        json={
            "challenge_token": challenge["challenge_token"],
            "code": totp_now(setup["secret"], 1),
        },
    )
    assert again.status_code == 400


async def test_a_replayed_totp_code_is_rejected(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    code = totp_now(setup["secret"], 1)
    first = data(await login(client, account))
    assert (
        await client.post(
            "/auth/2fa/verify", json={"challenge_token": first["challenge_token"], "code": code}
        )
    ).status_code == 200
    second = data(await login(client, account))
    replay = await client.post(
        "/auth/2fa/verify", json={"challenge_token": second["challenge_token"], "code": code}
    )
    assert replay.status_code == 400
    assert body(replay)["code"] == "CODE_REPLAYED"


async def test_each_backup_code_works_once(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    backup = setup["backup_codes"][0]
    first = data(await login(client, account))
    ok = await client.post(
        "/auth/2fa/verify", json={"challenge_token": first["challenge_token"], "code": backup}
    )
    assert ok.status_code == 200
    second = data(await login(client, account))
    reused = await client.post(
        "/auth/2fa/verify", json={"challenge_token": second["challenge_token"], "code": backup}
    )
    assert reused.status_code == 400
    assert body(reused)["code"] == "INVALID_CODE"


async def test_five_wrong_codes_end_the_challenge(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    challenge = data(await login(client, account))["challenge_token"]
    for _ in range(4):
        response = await client.post(
            "/auth/2fa/verify", json={"challenge_token": challenge, "code": "not-a-code"}
        )
        assert body(response)["code"] == "INVALID_CODE"
    response = await client.post(
        "/auth/2fa/verify", json={"challenge_token": challenge, "code": "not-a-code"}
    )
    assert body(response)["code"] == "CHALLENGE_ATTEMPTS_EXCEEDED"
    response = await client.post(
        "/auth/2fa/verify",
        json={"challenge_token": challenge, "code": totp_now(setup["secret"], 1)},
    )
    assert body(response)["code"] == "CHALLENGE_EXPIRED"


async def test_disabling_needs_password_and_code(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    no_code = await client.post(
        "/settings/security/2fa/disable",
        headers=account.headers,
        json={"password": PASSWORD, "code": "123"},
    )
    assert no_code.status_code == 400
    wrong_password = await client.post(
        "/settings/security/2fa/disable",
        headers=account.headers,
        json={"password": "Wrong-123-x", "code": setup["backup_codes"][1]},
    )
    assert wrong_password.status_code == 400
    response = await client.post(
        "/settings/security/2fa/disable",
        headers=account.headers,
        json={"password": PASSWORD, "code": totp_now(setup["secret"], 1)},
    )
    assert response.status_code == 200
    assert data(response)["two_factor_enabled"] is False
    assert "access_token" in data(await login(client, account))


async def test_backup_codes_can_be_regenerated(client, outbox):
    account = await register(client, outbox)
    setup = await _enable_authenticator(client, account)
    response = await client.post(
        "/settings/security/2fa/backup-codes", headers=account.headers, json={"password": PASSWORD}
    )
    fresh = data(response)["backup_codes"]
    assert len(fresh) == 10
    challenge = data(await login(client, account))["challenge_token"]
    old = await client.post(
        "/auth/2fa/verify", json={"challenge_token": challenge, "code": setup["backup_codes"][2]}
    )
    assert old.status_code == 400
    new = await client.post(
        "/auth/2fa/verify", json={"challenge_token": challenge, "code": fresh[0]}
    )
    assert new.status_code == 200


async def test_sms_is_the_alternative_method(client, outbox):
    account = await register(client, outbox, email=None, phone="+255714000555")
    response = await client.post(
        "/settings/security/2fa/enable",
        headers=account.headers,
        json={"method": "sms", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert data(response)["sent_to"] == "+255714***555"
    code = await outbox.code("+255714000555", "signin_code")
    confirm = await client.post(
        "/settings/security/2fa/verify", headers=account.headers, json={"code": code}
    )
    assert data(confirm)["method"] == "sms"
    challenge = data(await login(client, account))
    assert challenge["methods"] == ["sms"]
    assert challenge["sent_to"] == "+255714***555"
    code = await outbox.code("+255714000555", "signin_code")
    done = await client.post(
        "/auth/2fa/verify", json={"challenge_token": challenge["challenge_token"], "code": code}
    )
    assert done.status_code == 200


async def test_email_2fa_needs_a_verified_email(client, outbox):
    account = await register(client, outbox, email=None, phone="+255714000666")
    response = await client.post(
        "/settings/security/2fa/enable",
        headers=account.headers,
        json={"method": "email", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert body(response)["code"] == "CHANNEL_NOT_VERIFIED"
