import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika import bootstrap
from kwika.asgi import create_app
from kwika.core.broker import drain
from kwika.core.security import Keyring
from tests.conftest import make_settings
from tests.support import PASSWORD, Outbox, data, login, register, totp_now


async def test_the_embedded_data_file_keeps_data_across_restarts(tmp_path, redis_endpoint):
    data_file = tmp_path / "kwika-data.json"
    settings = make_settings(tmp_path, embedded_data_file=data_file)
    outbox = Outbox(settings.outbox_path, drain)
    first = create_app(settings, redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(first),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=first), base_url="http://t/api/v1"
        ) as http,
    ):
        account = await register(http, outbox)
    assert data_file.exists()
    assert not list(tmp_path.glob(".kwika-data.json.*"))  # no temporary file left behind
    second = create_app(settings, redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(second),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=second), base_url="http://t/api/v1"
        ) as http,
    ):
        response = await login(http, account)
        assert response.status_code == 200
        assert data(response)["user"]["id"] == account.id


async def test_production_refuses_to_start_on_embedded_storage(tmp_path, redis_endpoint):
    settings = make_settings(tmp_path, environment="production")
    with pytest.raises(RuntimeError, match="KWIKA_MONGODB_URI"):
        await bootstrap.start(settings, in_process_worker=False, redis_endpoint=redis_endpoint)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    settings = make_settings(
        tmp_path,
        environment="production",
        secret_key=None,
        mongodb_uri="mongodb://db:27017",
        redis_url="redis://r:6379",
    )
    with pytest.raises(RuntimeError, match="KWIKA_SECRET_KEY"):
        bootstrap.resolve_secret(settings)


def test_previous_keys_still_read_what_they_protected():
    old = Keyring(b"o" * 40)
    new = Keyring(b"n" * 40, previous=[b"o" * 40])
    assert new.decrypt(old.encrypt("JBSWY3DPEHPK3PXP")) == "JBSWY3DPEHPK3PXP"
    assert new.unsign("purpose", old.sign("purpose", {"a": 1}, 60))["a"] == 1
    assert old.digest("p", "v") in new.digests("p", "v")
    assert new.digest("p", "v") != old.digest("p", "v")


async def test_totp_survives_a_secret_key_rotation(tmp_path, redis_endpoint):
    from tests.modules.identity.test_two_factor import _enable_authenticator

    old_key = "old-secret-key-0123456789-abcdefghijklmnopq"
    data_file = tmp_path / "data.json"
    before = make_settings(tmp_path, secret_key=old_key, embedded_data_file=data_file)
    app = create_app(before, redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
        ) as http,
    ):
        account = await register(http, Outbox(before.outbox_path, drain))
        setup = await _enable_authenticator(http, account)
    after = make_settings(
        tmp_path,
        secret_key="new-secret-key-0123456789-abcdefghijklmnopq",
        previous_secret_keys=old_key,
        embedded_data_file=data_file,
    )
    app = create_app(after, redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
        ) as http,
    ):
        challenge = data(
            await http.post(
                "/auth/signin", json={"credential": account.email, "password": PASSWORD}
            )
        )
        done = await http.post(
            "/auth/2fa/verify",
            json={
                "challenge_token": challenge["challenge_token"],
                "code": setup["backup_codes"][0],
            },
        )
        assert done.status_code == 200
        challenge = data(
            await http.post(
                "/auth/signin", json={"credential": account.email, "password": PASSWORD}
            )
        )
        done = await http.post(
            "/auth/2fa/verify",
            json={
                "challenge_token": challenge["challenge_token"],
                "code": totp_now(setup["secret"], 1),
            },
        )
        assert done.status_code == 200


async def test_openapi_documents_every_route(client):
    schema = (await client.get("/openapi.json")).json()
    assert schema["openapi"].startswith("3.1")
    assert "BearerToken" in schema["components"]["securitySchemes"]
    problems = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            where = f"{method.upper()} {path}"
            if not operation.get("summary"):
                problems.append(f"{where}: no summary")
            if not operation.get("description") and not path.startswith("/api/v1/health"):
                problems.append(f"{where}: no description")
            if "400" not in operation.get("responses", {}):
                problems.append(f"{where}: errors not documented")
            if not operation.get("tags"):
                problems.append(f"{where}: no tag")
    assert problems == []


async def test_authenticated_routes_declare_bearer_security(client):
    schema = (await client.get("/openapi.json")).json()
    for path in ("/api/v1/auth/me", "/api/v1/settings/security/sessions", "/api/v1/admin/staff"):
        get = schema["paths"][path]["get"]
        assert get.get("security") == [{"BearerToken": []}], path
    assert (await client.get("/docs")).status_code == 200
