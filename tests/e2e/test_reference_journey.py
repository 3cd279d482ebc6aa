"""Journey: a vendor looks up what to offer and which documents to prepare; staff add a
category and the vendor sees it at once; a new user picks interests."""

from __future__ import annotations

from kwika.modules.reference import service
from kwika.modules.reference.schemas import ServiceCategoryIn, ServiceTypeIn
from tests.support import data


async def test_a_vendor_finds_their_service_type_and_kyc_documents(client):
    categories = data(await client.get("/references/service-categories"))
    catering = next(c for c in categories if c["name"] == "Catering")
    types = data(await client.get(f"/references/service-types/category/{catering['id']}"))
    cakes = next(t for t in types if t["name"] == "Cakes & Desserts")
    kyc = data(await client.get(f"/references/service-types/{cakes['id']}/kyc"))
    required = [k["name"] for k in kyc if k["is_required"]]
    currencies = data(await client.get("/references/currencies"))
    countries = data(await client.get("/references/countries"))

    assert "Professional Certification" in required  # food handling
    assert next(c for c in currencies if c["is_default"])["code"] == "TZS"
    assert any(c["code"] == "TZ" for c in countries)

    # Staff add a category with a type; the next read shows it (cache invalidated).
    beauty = await service.create_category(ServiceCategoryIn(name="Beauty", icon="sparkles"))
    await service.create_service_type(ServiceTypeIn(category_id=beauty.id, name="Hair Stylist"))
    categories = data(await client.get("/references/service-categories"))
    assert categories[-1]["name"] == "Beauty" or "Beauty" in [c["name"] for c in categories]
    types = data(await client.get(f"/references/service-types/category/{beauty.id}"))
    assert [t["name"] for t in types] == ["Hair Stylist"]


async def test_a_new_user_picks_interests(client):
    interests = data(await client.get("/onboarding/interests"))

    assert len(interests) >= 10
    assert {"key", "name"} <= set(interests[0])
