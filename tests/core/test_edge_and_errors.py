import json

import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika.asgi import create_app
from kwika.core.net import client_address, parse_networks
from tests.conftest import make_settings
from tests.support import PASSWORD, body, data, register


async def test_unknown_routes_get_the_json_404_envelope(client):
    for path in ("/nope", "/nope/deeper", "/users/profile/extra/x"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert body(response) == {
            "success": False,
            "message": "API route not found",
            "code": "ROUTE_NOT_FOUND",
        }


async def test_wrong_method_is_405_in_the_envelope(client):
    response = await client.delete("/auth/signin")
    assert response.status_code == 405
    assert body(response)["code"] == "METHOD_NOT_ALLOWED"


async def test_malformed_json_is_a_clear_400(client):
    response = await client.post(
        "/auth/signin", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert body(response) == {
        "success": False,
        "message": "Request body is not valid JSON",
        "code": "MALFORMED_JSON",
    }


async def test_bodies_over_the_limit_are_413(tmp_path, redis_endpoint):
    app = create_app(
        make_settings(tmp_path, max_body_size_bytes=1024), redis_endpoint=redis_endpoint
    )
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/api/v1"
        ) as http,
    ):
        response = await http.post(
            "/auth/signin",
            content=json.dumps({"credential": "x" * 5000, "password": "y"}),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert body(response)["code"] == "PAYLOAD_TOO_LARGE"


async def test_validation_errors_name_fields_in_snake_case(client):
    response = await client.post("/users/verify-otp", json={"userId": 1, "otpCode": "12"})
    assert response.status_code == 400
    fields = {e["field"] for e in body(response)["errors"]}
    assert fields == {"user_id", "verification_type", "otp_code"}


async def test_pagination_parameters_are_validated(client, outbox):
    account = await register(client, outbox)
    response = await client.get(
        "/settings/security/sessions", headers=account.headers, params={"page": 0, "limit": 101}
    )
    assert response.status_code == 400
    assert body(response)["errors"] == [
        {"field": "page", "message": "page must be between 1 and 10000"},
        {"field": "limit", "message": "limit must be between 1 and 100"},
    ]
    too_deep = await client.get(
        "/settings/security/sessions", headers=account.headers, params={"page": 10**19}
    )
    assert too_deep.status_code == 400
    assert body(too_deep)["errors"][0]["field"] == "page"
    page = data(
        await client.get(
            "/settings/security/sessions", headers=account.headers, params={"page": 1, "limit": 1}
        )
    )
    assert page["pagination"] == {
        "page": 1,
        "limit": 1,
        "total_items": 1,
        "total_pages": 1,
        "has_next": False,
        "has_previous": False,
    }


async def test_responses_carry_security_headers_and_the_request_id(client):
    response = await client.get("/health", headers={"X-Request-ID": "trace-abc-12345"})
    assert response.headers["X-Request-ID"] == "trace-abc-12345"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers
    generated = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated.headers["X-Request-ID"]) == 32


async def test_hsts_is_sent_behind_tls(tmp_path, redis_endpoint):
    settings = make_settings(tmp_path, trusted_proxies="10.0.0.0/8")
    app = create_app(settings, redis_endpoint=redis_endpoint)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            proxied = await http.get("/health", headers={"X-Forwarded-Proto": "https"})
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver"
        ) as direct:
            secure = await direct.get("/health")
    assert "max-age=" in proxied.headers["Strict-Transport-Security"]
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # one proxy that overwrites
        ("10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # appended: spoofed first hop
        ("10.0.0.5", "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two of our proxies
        ("203.0.113.1", "198.51.100.7", "203.0.113.1"),  # untrusted peer: header ignored
        ("10.0.0.5", "not-an-ip", "10.0.0.5"),
        ("10.0.0.5", None, "10.0.0.5"),
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(peer, forwarded, expected):
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"client": (peer, 1234), "headers": headers}
    assert client_address(scope, parse_networks(["10.0.0.0/8"])) == expected


async def test_per_address_limits_see_the_forwarded_client(tmp_path, redis_endpoint):
    settings = make_settings(tmp_path, trusted_proxies="10.0.0.0/8")
    app = create_app(settings, redis_endpoint=redis_endpoint)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app, client=("10.0.0.2", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as http:
            for n in range(20):
                await http.post(
                    "/auth/signin",
                    headers={"X-Forwarded-For": "198.51.100.1"},
                    json={"credential": f"a{n}@example.com", "password": PASSWORD},
                )
            blocked = await http.post(
                "/auth/signin",
                headers={"X-Forwarded-For": "198.51.100.1"},
                json={"credential": "b@example.com", "password": PASSWORD},
            )
            other = await http.post(
                "/auth/signin",
                headers={"X-Forwarded-For": "198.51.100.2"},
                json={"credential": "b@example.com", "password": PASSWORD},
            )
    assert blocked.status_code == 429
    assert other.status_code == 401


async def test_gzip_compresses_large_responses(client):
    response = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"


async def test_cors_follows_the_settings(tmp_path, redis_endpoint):
    app = create_app(
        make_settings(tmp_path, cors_origins="https://app.kwika.example"),
        redis_endpoint=redis_endpoint,
    )
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        allowed = await http.options(
            "/api/v1/auth/signin",
            headers={
                "Origin": "https://app.kwika.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        denied = await http.options(
            "/api/v1/auth/signin",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.kwika.example"
    assert "Access-Control-Allow-Origin" not in denied.headers


async def test_a_missing_or_non_object_body_is_named(client, outbox):
    account = await register(client, outbox)
    missing = await client.post("/messages/start", headers=account.headers)
    assert missing.status_code == 400
    assert body(missing)["errors"] == [{"field": "body", "message": "A request body is required"}]
    not_object = await client.post(
        "/messages/start",
        headers={**account.headers, "content-type": "application/json"},
        content=b"null",
    )
    assert not_object.status_code == 400
    assert body(not_object)["errors"] == [{"field": "body", "message": "Send a JSON object"}]
