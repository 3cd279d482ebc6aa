from bson import ObjectId
from jose import jwt

from kwika.config import JWTSettings
from kwika.core import runtime
from kwika.core.tokens import AccessTokens
from tests.support import bearer, body, data, login, register


async def test_refresh_rotates_both_tokens(client, outbox):
    account = await register(client, outbox)
    response = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert response.status_code == 200
    fresh = data(response)
    assert fresh["refresh_token"] != account.refresh_token
    assert fresh["access_token"] != account.access_token
    assert fresh["expires_in"] == 900
    me = await client.get("/auth/me", headers=bearer(fresh["access_token"]))
    assert me.status_code == 200
    again = await client.post("/auth/refresh-token", json={"refreshToken": fresh["refresh_token"]})
    assert again.status_code == 200


async def test_reusing_a_refresh_token_ends_the_whole_session(client, outbox):
    account = await register(client, outbox)
    rotated = data(
        await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    )
    reuse = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401
    assert body(reuse)["code"] == "REFRESH_TOKEN_REUSED"
    # Every token of that family stops working: the rotated refresh token and the access tokens.
    assert (
        await client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    ).status_code == 401
    assert (
        await client.get("/auth/me", headers=bearer(rotated["access_token"]))
    ).status_code == 401
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 401


async def test_reuse_in_one_session_does_not_touch_other_sessions(client, outbox):
    account = await register(client, outbox)
    first_refresh = account.refresh_token
    await login(client, account)  # a second session
    await client.post("/auth/refresh", json={"refresh_token": first_refresh})
    await client.post("/auth/refresh", json={"refresh_token": first_refresh})
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 200


async def test_unknown_refresh_tokens_are_401(client):
    response = await client.post("/auth/refresh", json={"refresh_token": "x" * 43})
    assert response.status_code == 401
    assert body(response)["message"] == "Invalid or expired refresh token"


async def test_logout_stops_the_access_token_at_once(client, outbox):
    account = await register(client, outbox)
    response = await client.post("/auth/logout", headers=account.headers)
    assert response.status_code == 200
    assert body(response)["message"] == "Logged out successfully"
    after = await client.get("/auth/me", headers=account.headers)
    assert after.status_code == 401
    assert body(after)["code"] == "TOKEN_REVOKED"
    refresh = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert refresh.status_code == 401


async def test_expired_tampered_and_foreign_tokens_are_refused(client, outbox):
    account = await register(client, outbox)
    rt = runtime.get()
    expired_issuer = AccessTokens(
        JWTSettings(access_ttl_seconds=-60), {"k1": rt.tokens._keys["k1"]}
    )
    expired = expired_issuer.issue("user", ObjectId(account.id), ObjectId(), "client").token
    assert (await client.get("/auth/me", headers=bearer(expired))).status_code == 401
    head, payload, signature = account.access_token.split(".")
    tampered = f"{head}.{payload}.{signature[:-3]}abc"
    assert (await client.get("/auth/me", headers=bearer(tampered))).status_code == 401
    claims = jwt.get_unverified_claims(account.access_token)
    forged = jwt.encode(
        claims, "another-secret-key-of-decent-length!!", algorithm="HS256", headers={"kid": "k1"}
    )
    assert (await client.get("/auth/me", headers=bearer(forged))).status_code == 401
    none_alg = jwt.encode(claims, "", algorithm="HS256", headers={"kid": "unknown"})
    assert (await client.get("/auth/me", headers=bearer(none_alg))).status_code == 401


async def test_access_tokens_carry_the_expected_claims(client, outbox):
    account = await register(client, outbox)
    header = jwt.get_unverified_header(account.access_token)
    claims = jwt.get_unverified_claims(account.access_token)
    assert header["alg"] == "HS256"
    assert header["kid"] == "k1"
    assert claims["iss"] == "kwika"
    assert claims["aud"] == "kwika-api"
    assert claims["sub"] == account.id
    assert claims["exp"] - claims["iat"] == 900
    assert claims["jti"]


async def test_remember_me_keeps_the_session_for_30_days_instead_of_one(client, outbox):
    from datetime import timedelta

    from kwika.core import clock

    account = await register(client, outbox, sign_in=False)
    short = data(await login(client, account))
    remembered = data(await login(client, account, remember_me=True))
    clock.travel(timedelta(days=2))
    expired = await client.post("/auth/refresh", json={"refresh_token": short["refresh_token"]})
    assert expired.status_code == 401
    kept = await client.post("/auth/refresh", json={"refresh_token": remembered["refresh_token"]})
    assert kept.status_code == 200
    clock.travel(timedelta(days=29))  # each refresh extends the 30 days
    again = await client.post("/auth/refresh", json={"refresh_token": data(kept)["refresh_token"]})
    assert again.status_code == 200
