"""Issue 11 item 20: prices in different currencies compare through KWIKA_CURRENCY_RATES,
and item 21/19: /services corrects typos and names the reference category
`service_category_id` (with `category_id` as its alias)."""

from decimal import Decimal

import pytest

from kwika.config import DEFAULT_RATES_PER_USD
from tests.conftest import make_settings
from tests.modules.discovery.test_routes import feed
from tests.support import data

NAIROBI = (36.8219, -1.2921)


async def _nairobi_services():
    # 5,000 KES is worth 96,899 TZS at the default rates (2500 TZS and 129 KES per USD).
    kes = await feed(
        title="Nairobi Sound Hire",
        lng=NAIROBI[0],
        lat=NAIROBI[1],
        price_min_minor=500_000,
        currency="KES",
        district="Nairobi",
    )
    tzs = await feed(
        title="Nairobi Tent Hire",
        lng=NAIROBI[0] + 0.01,
        lat=NAIROBI[1],
        price_min_minor=20_000_000,  # 200,000 TZS = 10,320 KES
        currency="TZS",
        district="Nairobi",
    )
    return kes, tzs


async def _ids(client, **params):
    response = await client.get(
        "/services", params={"lat": NAIROBI[1], "lng": NAIROBI[0], **params}
    )
    assert response.status_code == 200, response.text
    return data(response)


async def test_a_kes_service_is_found_by_a_price_range_in_the_default_currency(client):
    kes, tzs = await _nairobi_services()
    page = await _ids(client, max_price="100000")  # TZS, the default currency
    assert [item["id"] for item in page["items"]] == [kes]
    page = await _ids(client, min_price="100000")
    assert [item["id"] for item in page["items"]] == [tzs]
    # The same range in KES finds the same services.
    page = await _ids(client, max_price="6000", currency="KES")
    assert [item["id"] for item in page["items"]] == [kes]
    page = await _ids(client, min_price="6000", currency="KES")
    assert [item["id"] for item in page["items"]] == [tzs]


async def test_the_price_facet_and_sort_cover_every_currency(client):
    kes, tzs = await _nairobi_services()
    page = await _ids(client, sort_by="price_low")
    assert [item["id"] for item in page["items"]] == [kes, tzs]
    assert page["filters"]["price_range"] == {
        "min": "96899.22",
        "max": "200000.00",
        "currency": "TZS",
    }
    page = await _ids(client, currency="KES", sort_by="price_high")
    assert [item["id"] for item in page["items"]] == [tzs, kes]
    assert page["filters"]["price_range"] == {
        "min": "5000.00",
        "max": "10320.00",
        "currency": "KES",
    }


async def test_items_keep_their_own_price_and_add_the_converted_one(client):
    kes, tzs = await _nairobi_services()
    page = await _ids(client, currency="KES", sort_by="price_low")
    by_id = {item["id"]: item for item in page["items"]}
    assert by_id[kes]["converted_price"] == {"min": "5000.00", "max": "5000.00", "currency": "KES"}
    assert by_id[tzs]["converted_price"] == {
        "min": "10320.00",
        "max": "10320.00",
        "currency": "KES",
    }
    plain = await _ids(client)
    assert all("converted_price" not in item for item in plain["items"])


async def test_bounds_in_the_listing_currency_stay_exact(client):
    kes, tzs = await _nairobi_services()
    assert [i["id"] for i in (await _ids(client, max_price="5000", currency="KES"))["items"]] == [
        kes
    ]
    assert (await _ids(client, max_price="4999.99", currency="KES"))["items"] == []
    page = await _ids(client, min_price="5000", currency="KES")
    assert {item["id"] for item in page["items"]} == {kes, tzs}


class TestConfiguredRates:
    @pytest.fixture
    def settings(self, tmp_path):
        # A made-up rate: 1 KES = 1,000 TZS, so the KES service is now the dear one.
        return make_settings(tmp_path, currency_rates={"KES": "1000"})

    async def test_the_rates_come_from_settings(self, client, settings):
        assert settings.currency_rate("kes") == Decimal(1000)
        assert settings.currency_rate("USD") is None  # only the configured table counts
        _kes, tzs = await _nairobi_services()
        page = await _ids(client, max_price="300000")
        assert [item["id"] for item in page["items"]] == [tzs]


def test_default_rates_are_rebased_on_the_default_currency(tmp_path):
    settings = make_settings(tmp_path, default_currency="kes")
    assert settings.default_currency == "KES"
    assert settings.currency_rate("USD") == DEFAULT_RATES_PER_USD["KES"]
    assert settings.currency_rate("KES") == 1


async def test_services_search_corrects_typos_like_search(client):
    studio = await feed(title="Wedding Photography Studio")
    response = await client.get("/services", params={"q": "photografy"})
    page = data(response)
    assert [item["id"] for item in page["items"]] == [studio]
    assert page["corrected_query"] == "photography"


async def test_service_category_id_names_the_reference_category(client):
    category = "5f00000000000000000000aa"
    tagged = await feed(title="Catering", category_ids=[category])
    await feed(title="Decor")
    for name in ("service_category_id", "category_id"):
        for path in ("/services", "/providers", "/companies"):
            response = await client.get(path, params={name: category})
            assert response.status_code == 200, response.text
        page = data(await client.get("/services", params={name: category}))
        assert [item["id"] for item in page["items"]] == [tagged]
    spec = (await client.get("/openapi.json")).json()
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/services"]["get"]["parameters"]}
    assert "service_category_id" in parameters
    assert "alias" in parameters["category_id"]["description"].lower()
