"""Seed 003 module 2 and seed 004 3.2: the shapes and the seeded data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kwika.config import Settings
from tests.conftest import make_settings
from tests.support import body, data

SEED_CATEGORIES = [
    "Entertainment",
    "Catering",
    "Logistics",
    "Photography and Videography",
    "Decor and Setup",
    "Planning",
    "Rentals",
    "Audio Visual",
    "Security",
    "Cleaning",
]


async def categories(client):
    return data(await client.get("/references/service-categories"))


async def category_id(client, name):
    return next(c["id"] for c in await categories(client) if c["name"] == name)


async def types_of(client, name):
    return data(
        await client.get(f"/references/service-types/category/{await category_id(client, name)}")
    )


async def test_event_types_have_the_seed_003_shape_and_order(client):
    response = await client.get("/references/event-types")

    assert response.status_code == 200
    assert body(response)["message"] == "Event types retrieved successfully"
    items = data(response)
    assert [i["name"] for i in items][:3] == ["Wedding", "Birthday", "Corporate Event"]
    assert items[-1]["name"] == "Other"
    assert len(items) == 10
    wedding = items[0]
    assert set(wedding) == {
        "id",
        "name",
        "description",
        "icon",
        "color",
        "is_active",
        "display_order",
        "created_at",
    }
    assert wedding["icon"] == "rings"
    assert wedding["color"] == "#FF6B6B"
    assert wedding["created_at"].endswith("Z")
    assert len(wedding["id"]) == 24


async def test_the_ten_seeded_service_categories(client):
    response = await client.get("/references/service-categories")

    items = data(response)
    assert body(response)["message"] == "Service categories retrieved successfully"
    assert [c["name"] for c in items] == SEED_CATEGORIES
    assert set(items[0]) == {
        "id",
        "name",
        "description",
        "icon",
        "image_url",
        "is_active",
        "display_order",
        "service_count",
        "created_at",
    }
    assert all(c["service_count"] == 0 and c["is_active"] for c in items)


async def test_service_types_of_a_category(client):
    photography = await types_of(client, "Photography and Videography")

    assert [t["name"] for t in photography] == [
        "Wedding Photography",
        "Event Photography",
        "Videography",
        "Drone Photography",
        "Photo Booth",
    ]
    assert set(photography[0]) == {
        "id",
        "category_id",
        "name",
        "description",
        "is_active",
        "display_order",
        "service_count",
        "created_at",
    }
    assert photography[0]["category_id"] == await category_id(client, "Photography and Videography")
    total = 0
    for name in SEED_CATEGORIES:
        total += len(await types_of(client, name))
    assert total == 28


@pytest.mark.parametrize("bad", ["0123456789abcdef01234567", "not-an-id"])
async def test_unknown_category_is_404(client, bad):
    response = await client.get(f"/references/service-types/category/{bad}")

    assert response.status_code == 404
    assert body(response)["message"] == "Service category not found"


async def test_kyc_requirements_of_a_service_type(client):
    wedding = (await types_of(client, "Photography and Videography"))[0]

    response = await client.get(f"/references/service-types/{wedding['id']}/kyc")

    assert body(response)["message"] == "KYC requirements retrieved successfully"
    items = data(response)
    assert [(i["name"], i["is_required"]) for i in items] == [
        ("Government-issued ID", True),
        ("Business License", False),
        ("Portfolio/Work Samples", True),
        ("Professional Certification", False),
        ("Tax Compliance Certificate", True),
    ]
    assert set(items[0]) == {
        "id",
        "service_type_id",
        "name",
        "description",
        "document_type",
        "is_required",
        "accepted_formats",
        "max_file_size_mb",
        "display_order",
        "created_at",
    }
    assert all(i["service_type_id"] == wedding["id"] for i in items)
    tax = items[-1]
    assert tax["document_type"] == "tax"
    assert tax["accepted_formats"] == ["pdf"]
    assert items[2]["max_file_size_mb"] == 10
    # The same requirement has the same id for every service type.
    security = (await types_of(client, "Security"))[0]
    security_items = data(await client.get(f"/references/service-types/{security['id']}/kyc"))
    assert items[0]["id"] == security_items[0]["id"]
    assert {i["name"]: i["is_required"] for i in security_items}[
        "Professional Certification"
    ] is True


async def test_kyc_of_an_unknown_service_type_is_404(client):
    response = await client.get("/references/service-types/0123456789abcdef01234567/kyc")

    assert response.status_code == 404
    assert body(response)["message"] == "Service type not found"


async def test_currencies_mark_the_configured_default(client):
    response = await client.get("/references/currencies")

    items = data(response)
    assert body(response)["message"] == "Currencies retrieved successfully"
    assert set(items[0]) == {"id", "code", "name", "symbol", "is_default", "is_active"}
    assert [c["code"] for c in items if c["is_default"]] == ["TZS"]
    assert {"KES", "USD", "EUR", "GBP", "TZS", "UGX"} <= {c["code"] for c in items}
    kes = next(c for c in items if c["code"] == "KES")
    assert kes == {
        "id": kes["id"],
        "code": "KES",
        "name": "Kenyan Shilling",
        "symbol": "KSh",
        "is_default": False,
        "is_active": True,
    }


async def test_countries_and_their_currencies_exist(client):
    countries = data(await client.get("/references/countries"))
    currencies = {c["code"] for c in data(await client.get("/references/currencies"))}

    assert set(countries[0]) == {"id", "code", "name", "phone_code", "currency_code", "is_active"}
    assert {"KE", "TZ", "UG", "RW", "NG", "ZA"} <= {c["code"] for c in countries}
    tanzania = next(c for c in countries if c["code"] == "TZ")
    assert (tanzania["phone_code"], tanzania["currency_code"]) == ("+255", "TZS")
    assert {c["currency_code"] for c in countries} <= currencies


async def test_onboarding_interests(client):
    response = await client.get("/onboarding/interests")

    assert response.status_code == 200
    items = data(response)
    assert {"sports", "arts", "technology"} <= {i["key"] for i in items}
    assert set(items[0]) == {"id", "key", "name", "icon", "display_order", "is_active"}
    assert [i["display_order"] for i in items] == sorted(i["display_order"] for i in items)


async def test_references_need_no_token(client):
    for path in (
        "/references/event-types",
        "/references/service-categories",
        "/references/currencies",
        "/references/countries",
        "/onboarding/interests",
    ):
        assert (await client.get(path)).status_code == 200, path


class TestAnotherDefaultCurrency:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return make_settings(tmp_path, default_currency="KES")

    async def test_the_default_follows_the_setting(self, client):
        items = data(await client.get("/references/currencies"))

        assert [c["code"] for c in items if c["is_default"]] == ["KES"]
