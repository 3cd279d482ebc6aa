"""Reference lists are cached in Redis; changes made through the service functions (what
the admin issue's routes will call) are visible at once."""

from __future__ import annotations

import pytest

from kwika import bootstrap
from kwika.core.errors import Conflict, NotFound, ValidationFailed
from kwika.core.module import SeedContext
from kwika.modules import reference
from kwika.modules.reference import cache, service
from kwika.modules.reference.documents import EventType, ServiceCategory
from kwika.modules.reference.schemas import (
    CountryIn,
    CurrencyUpdate,
    EventTypeIn,
    EventTypeUpdate,
    InterestIn,
    KycDefinitionIn,
    KycMappingIn,
    ServiceCategoryIn,
    ServiceCategoryUpdate,
    ServiceTypeIn,
)
from tests.support import data


async def names(client, path):
    return [item["name"] for item in data(await client.get(path))]


async def test_lists_are_served_from_redis(client, redis_endpoint):
    first = await names(client, "/references/event-types")
    redis = redis_endpoint.sync_client()
    assert any(key.startswith(b"kwika:ref:") for key in redis.keys("*"))
    assert all(redis.ttl(key) > 0 for key in redis.keys("kwika:ref:*"))

    # A write behind the service's back is not seen until the cache is invalidated...
    await EventType.get_motor_collection().update_one(
        {"key": "wedding"}, {"$set": {"name": "Harusi"}}
    )
    assert await names(client, "/references/event-types") == first
    # ...which every change through the service functions does.
    await cache.invalidate()
    assert (await names(client, "/references/event-types"))[0] == "Harusi"


async def test_event_type_changes_are_visible_at_once(client):
    created = await service.create_event_type(
        EventTypeIn(name="Cultural Festival", description="...", icon="mask", display_order=50)
    )
    assert "Cultural Festival" in await names(client, "/references/event-types")

    await service.update_event_type(created.id, EventTypeUpdate(name="Culture Fest"))
    assert "Culture Fest" in await names(client, "/references/event-types")

    await service.update_event_type(created.id, EventTypeUpdate(is_active=False))
    assert "Culture Fest" not in await names(client, "/references/event-types")
    assert "Culture Fest" in [e.name for e in await service.list_event_types()]

    await service.delete_event_type(created.id)
    assert "Culture Fest" not in [e.name for e in await service.list_event_types()]
    with pytest.raises(NotFound):
        await service.update_event_type(created.id, EventTypeUpdate(name="Back"))


async def test_names_are_unique_case_insensitively(client):
    with pytest.raises(Conflict) as duplicate:
        await service.create_event_type(EventTypeIn(name="wedding"))
    assert duplicate.value.errors[0].field == "name"

    birthday = next(e for e in await service.list_event_types() if e.name == "Birthday")
    with pytest.raises(Conflict):
        await service.update_event_type(birthday.id, EventTypeUpdate(name="WEDDING"))


async def test_categories_and_service_types_are_managed_together(client):
    category = await service.create_category(
        ServiceCategoryIn(name="Beauty & Styling", icon="sparkles", display_order=11)
    )
    service_type = await service.create_service_type(
        ServiceTypeIn(category_id=category.id, name="Makeup Artist")
    )
    assert "Beauty & Styling" in await names(client, "/references/service-categories")
    types_path = f"/references/service-types/category/{category.id}"
    assert await names(client, types_path) == ["Makeup Artist"]

    mapping = await service.add_service_type_kyc(
        service_type.id,
        KycMappingIn(kyc_requirement_id=(await service.kyc_definitions())[0].id),
    )
    kyc = data(await client.get(f"/references/service-types/{service_type.id}/kyc"))
    assert [k["name"] for k in kyc] == ["Government-issued ID"]
    with pytest.raises(Conflict):
        await service.add_service_type_kyc(
            service_type.id, KycMappingIn(kyc_requirement_id=mapping.id)
        )
    await service.remove_service_type_kyc(service_type.id, mapping.mapping_id)
    assert data(await client.get(f"/references/service-types/{service_type.id}/kyc")) == []

    await service.update_category(category.id, ServiceCategoryUpdate(is_active=False))
    assert (await client.get(types_path)).status_code == 404

    await service.delete_category(category.id)
    assert (await client.get(f"/references/service-types/{service_type.id}/kyc")).status_code == 404


async def test_categories_in_use_cannot_be_deleted(client):
    wedding = await reference.get_service_type(
        next(t for t in await service.service_type_records() if t.name == "Wedding Photography").id
    )
    await reference.adjust_service_count(wedding.category_id, wedding.id, 1)

    counted = next(
        c
        for c in data(await client.get("/references/service-categories"))
        if c["id"] == wedding.category_id
    )
    assert counted["service_count"] == 1
    with pytest.raises(Conflict):
        await service.delete_category(wedding.category_id)
    with pytest.raises(Conflict):
        await service.delete_service_type(wedding.id)

    await reference.adjust_service_count(wedding.category_id, wedding.id, -1)
    await reference.adjust_service_count(wedding.category_id, wedding.id, -1)  # floors at 0
    types = data(await client.get(f"/references/service-types/category/{wedding.category_id}"))
    assert types[0]["service_count"] == 0


async def test_kyc_definitions_validate_their_formats(client):
    with pytest.raises(ValueError, match="Unknown formats"):
        KycDefinitionIn(name="Selfie", document_type="identity", accepted_formats=["exe"])

    created = await service.create_kyc_definition(
        KycDefinitionIn(name="Selfie", document_type="identity", accepted_formats=["JPEG", ".png"])
    )
    assert created.accepted_formats == ["jpeg", "png"]
    await service.delete_kyc_definition(created.id)
    assert created.id not in [d.id for d in await service.kyc_definitions()]


async def test_currencies_countries_and_interests(client):
    with pytest.raises(Conflict):
        await service.update_currency("tzs", CurrencyUpdate(is_active=False))
    await service.update_currency("GBP", CurrencyUpdate(is_active=False))
    codes = [c["code"] for c in data(await client.get("/references/currencies"))]
    assert "GBP" not in codes
    assert "GBP" not in await reference.currency_codes()
    assert "TZS" in await reference.currency_codes()

    with pytest.raises(ValidationFailed) as unknown:
        await service.create_country(
            CountryIn(code="gh", name="Ghana", phone_code="+233", currency_code="GHS")
        )
    assert unknown.value.errors[0].field == "currency_code"
    await service.create_country(
        CountryIn(code="bi", name="Burundi", phone_code="+257", currency_code="usd")
    )
    burundi = next(c for c in data(await client.get("/references/countries")) if c["code"] == "BI")
    assert burundi["currency_code"] == "USD"

    await service.create_interest(InterestIn(name="Chess", icon="chess"))
    assert "Chess" in await names(client, "/onboarding/interests")
    assert "chess" in await reference.interest_keys()


async def test_the_seeder_is_idempotent_and_keeps_staff_changes(client):
    reported: list[tuple[str, int, int]] = []
    wedding = await EventType.find_one({"key": "wedding"})
    assert wedding is not None
    await service.update_event_type(str(wedding.id), EventTypeUpdate(name="Weddings"))
    funeral = await EventType.find_one({"key": "funeral"})
    assert funeral is not None
    await service.delete_event_type(str(funeral.id))

    results = await bootstrap.seed(
        context=SeedContext(progress=lambda *args: reported.append(args))
    )

    assert results["reference.seed_reference"] == 0
    assert reported[-1] == ("Reference data", 8, 8)
    event_types = await names(client, "/references/event-types")
    assert "Weddings" in event_types
    assert "Funeral" not in event_types
    assert await ServiceCategory.count() == 10


async def test_seeded_ids_are_stable(client):
    from kwika.modules.reference.seed import seed_id

    wedding = next(
        e for e in data(await client.get("/references/event-types")) if e["name"] == "Wedding"
    )

    assert wedding["id"] == str(seed_id(EventType, "wedding"))


async def test_public_lookups_for_other_modules(client):
    records = await service.service_type_records()
    drone = next(t for t in records if t.name == "Drone Photography")

    service_type = await reference.get_service_type(drone.id)
    category = await reference.get_category(service_type.category_id)
    requirements = await reference.kyc_requirements_for(drone.id)
    event_type = await reference.get_event_type(
        data(await client.get("/references/event-types"))[0]["id"]
    )

    assert service_type.requires_kyc is True
    assert category.name == "Photography and Videography"
    assert [r.name for r in requirements if r.is_required] == [
        "Government-issued ID",
        "Portfolio/Work Samples",
        "Tax Compliance Certificate",
    ]
    assert event_type.name == "Wedding"
    for lookup in (reference.get_service_type, reference.get_category, reference.get_event_type):
        with pytest.raises(NotFound):
            await lookup("0123456789abcdef01234567")
    with pytest.raises(NotFound):
        await reference.kyc_requirements_for("junk")
