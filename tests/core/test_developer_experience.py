"""Issue 11 items 15, 16, 19 and 22 in process: the public URL follows the served address,
CORS lets the development front-end in, one name per idea, and demo data to find."""

from __future__ import annotations

import httpx
import pytest
from asgi_lifespan import LifespanManager

from kwika import bootstrap
from kwika.asgi import create_app
from kwika.cli import _banner
from kwika.core.module import SeedContext
from kwika.modules.identity import DEMO_PASSWORD
from tests.conftest import make_settings
from tests.modules.media import samples
from tests.support import bearer, data, make_provider, register, settle

# ---------------------------------------------------------------- item 15: the public URL


def test_an_unset_public_url_follows_the_served_address(tmp_path):
    settings = make_settings(tmp_path, environment="development")
    assert settings.served_at("127.0.0.1", 18801) == {
        "KWIKA_PUBLIC_BASE_URL": "http://localhost:18801"
    }
    assert settings.served_at("192.0.2.7", 9000) == {
        "KWIKA_PUBLIC_BASE_URL": "http://192.0.2.7:9000"
    }
    chosen = make_settings(tmp_path, public_base_url="https://api.example.com")
    assert chosen.served_at("127.0.0.1", 18801) == {}
    production = make_settings(tmp_path, environment="production")
    assert production.served_at("127.0.0.1", 18801) == {}


class TestServedOnAnotherPort:
    @pytest.fixture
    def settings(self, tmp_path, monkeypatch):
        # What `kwika serve --port 18801` puts in the environment of the app it starts.
        for name, value in make_settings(tmp_path).served_at("127.0.0.1", 18801).items():
            monkeypatch.setenv(name, value)
        return make_settings(tmp_path)

    async def test_file_urls_point_at_the_served_port(self, client, outbox):
        user = await register(client, outbox)
        uploaded = await client.post(
            "/uploads/direct",
            headers=user.headers,
            data={"context": "avatar"},
            files={"file": ("me.jpg", samples.jpeg((400, 400)), "image/jpeg")},
        )
        assert uploaded.status_code == 201, uploaded.text
        assert data(uploaded)["file_url"].startswith("http://localhost:18801/api/v1/media/")
        ticket = await client.post(
            "/uploads/request",
            headers=user.headers,
            json={
                "filename": "a.jpg",
                "content_type": "image/jpeg",
                "size": 10,
                "context": "event_cover",
            },
        )
        assert data(ticket)["upload_url"].startswith("http://localhost:18801/api/v1/uploads/")


# ---------------------------------------------------------------- item 16: CORS and banner


async def _preflight(settings, redis_endpoint, origin: str) -> httpx.Response:
    app = create_app(settings, redis_endpoint=redis_endpoint)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        return await http.options(
            "/api/v1/services",
            headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
        )


async def test_development_cors_allows_the_front_end_by_default(tmp_path, redis_endpoint):
    settings = make_settings(
        tmp_path, environment="development", frontend_url="http://localhost:3000/app"
    )
    assert settings.allowed_origins == ["http://localhost:3000"]
    allowed = await _preflight(settings, redis_endpoint, "http://localhost:3000")
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:3000"
    other = await _preflight(settings, redis_endpoint, "https://evil.example")
    assert other.headers.get("access-control-allow-origin") is None


def test_outside_development_cors_stays_what_is_configured(tmp_path):
    assert make_settings(tmp_path, environment="production").allowed_origins == []
    configured = make_settings(
        tmp_path, environment="development", cors_origins="https://a.example"
    )
    assert configured.allowed_origins == ["https://a.example"]


def test_the_banner_names_currency_phone_region_cors_and_public_url(tmp_path):
    settings = make_settings(
        tmp_path,
        environment="development",
        frontend_url="http://localhost:5173",
        public_base_url="http://localhost:18801",
        default_currency="KES",
        default_phone_region="KE",
    )
    text = "\n".join(_banner(settings, "127.0.0.1", 18801))
    assert "http://localhost:18801/api/v1/docs" in text
    assert "Public URL:  http://localhost:18801" in text
    assert "CORS:        http://localhost:5173" in text
    assert "currency KES, phone region KE" in text


# ---------------------------------------------------------------- item 19: one name per idea


@pytest.mark.parametrize("name", ["otp", "code", "otp_code", "otpCode"])
async def test_business_phone_verification_takes_every_code_name(client, outbox, name):
    vendor = await make_provider(client, outbox)
    added = await client.post(
        "/user-services/business-phones",
        headers=vendor.headers,
        json={"phone_number": "+255712345678"},
    )
    code = await outbox.code("+255712345678", "business_phone_code")
    verified = await client.post(
        f"/user-services/business-phones/{data(added)['id']}/verify",
        headers=vendor.headers,
        json={name: code},
    )
    assert verified.status_code == 200, verified.text


async def test_account_verification_takes_otp_too(client, outbox):
    account = await register(client, outbox, verify=False, sign_in=False)
    code = await outbox.code(account.email, "verify_code")
    verified = await client.post(
        "/users/verify-otp",
        json={"user_id": account.id, "verification_type": "email", "otp": code},
    )
    assert verified.status_code == 200, verified.text


async def test_upload_requests_take_size_or_file_size(client, outbox):
    user = await register(client, outbox)
    for name in ("size", "file_size", "fileSize"):
        ticket = await client.post(
            "/uploads/request",
            headers=user.headers,
            json={
                "filename": "a.jpg",
                "content_type": "image/jpeg",
                name: 1000,
                "context": "event_cover",
            },
        )
        assert ticket.status_code == 201, (name, ticket.text)


async def test_unread_counts_have_one_shape(client, outbox):
    user = await register(client, outbox)
    notifications = data(await client.get("/notifications/unread-count", headers=user.headers))
    messages = data(await client.get("/messages/unread-count", headers=user.headers))
    assert set(notifications) == {"unread_count", "unread"}
    assert notifications["unread"] == notifications["unread_count"]
    assert set(messages) == {"unread_count", "unread", "conversations"}
    assert messages["unread"] == messages["unread_count"] == 0


async def test_cards_and_pages_show_one_provider_block(client, outbox):
    vendor = await make_provider(client, outbox, first_name="Amina")
    created = await client.post(
        "/user-services",
        headers=vendor.headers,
        json={"title": "Wedding photos", "description": "Full-day coverage", "price": "500000"},
    )
    assert created.status_code == 201, created.text
    service_id = data(created)["id"]
    await settle()  # the listing is written in the background
    page = data(await client.get(f"/services/{service_id}"))
    card = data(await client.get("/services", params={"q": "wedding"}))["items"][0]
    assert card["provider"] == page["provider"]
    assert set(page["provider"]) >= {"id", "user_id", "name", "avatar", "verified"}


# ---------------------------------------------------------------- item 22: demo data


class TestDemoData:
    @pytest.fixture
    def settings(self, tmp_path):
        return make_settings(tmp_path, demo_data=True)

    async def test_demo_data_is_loaded_once_and_searchable(self, client):
        await settle()  # listings of the seeded data are written in the background
        services = data(await client.get("/services", params={"q": "photography"}))
        assert services["pagination"]["total_items"] == 1
        near_nairobi = data(
            await client.get(
                "/services", params={"lat": -1.2921, "lng": 36.8219, "max_price": "3000000"}
            )
        )
        assert {item["title"] for item in near_nairobi["items"]} == {
            "Sound System and DJ Hire",
            "Custom Wooden Stage Building",
        }
        providers = data(await client.get("/providers", params={"q": "demo"}))
        assert providers["pagination"]["total_items"] == 2
        signed_in = await client.post(
            "/auth/signin", json={"credential": "democlient", "password": DEMO_PASSWORD}
        )
        token = data(signed_in)["access_token"]
        inbox = data(await client.get("/messages/conversations", headers=bearer(token)))
        assert inbox["pagination"]["total_items"] == 1
        # Idempotent: a second run (a restart on a data file, `kwika seed --demo`) adds nothing.
        again = await bootstrap.seed(context=SeedContext(demo=True))
        assert sum(again.values()) == 0
        assert (
            data(await client.get("/services", params={"q": "photography"}))["pagination"][
                "total_items"
            ]
            == 1
        )


async def test_no_demo_data_unless_asked(client):
    assert data(await client.get("/services"))["pagination"]["total_items"] == 0
