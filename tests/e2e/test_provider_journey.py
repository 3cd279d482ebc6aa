"""Journey: a caterer becomes a provider, brands a company, proves a business number,
publishes a catalogue with a service, packages and KYC, runs a promotion, and is verified."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.pagination import PageParams
from kwika.modules import catalogue
from tests.modules.media import samples
from tests.support import STAFF_REVIEWER, body, data, reference_ids, register, settle


async def test_a_vendor_sets_up_shop(client, outbox):
    staff = ObjectId(STAFF_REVIEWER)
    amina = await register(client, outbox, first_name="Amina", last_name="Mushi")
    headers = amina.headers

    # 1. Becoming a provider.
    profile = data(
        await client.post(
            "/providers/me",
            headers=headers,
            json={
                "kinds": ["vendor"],
                "bio": "Catering and decor",
                "skills": ["Catering"],
                "district": "Kinondoni",
                "address": "Mwenge",
                "latitude": -6.7712,
                "longitude": 39.2401,
                "service_radius_km": 30,
            },
        )
    )
    assert data(await client.get("/users/me", headers=headers))["account_type"] == "provider"

    # 2. A company with a logo and a verified business number.
    company = data(
        await client.post(
            "/companies",
            headers=headers,
            json={
                "name": "Amina Catering",
                "slogan": "Food that remembers you",
                "district": "Kinondoni",
                "address": "Mwenge",
                "latitude": -6.7712,
                "longitude": 39.2401,
            },
        )
    )
    logo = await client.post(
        f"/companies/{company['id']}/logo",
        headers=headers,
        files={"file": ("logo.png", samples.png(), "image/png")},
    )
    assert data(logo)["logo"]
    phone = data(
        await client.post(
            "/user-services/business-phones",
            headers=headers,
            json={"phone_number": "+255754000111"},
        )
    )
    code = await outbox.code("+255754000111", "business_phone_code")
    await client.post(
        f"/user-services/business-phones/{phone['id']}/verify", headers=headers, json={"otp": code}
    )

    # 3. A catalogue and its categories.
    menu = data(
        await client.post(
            f"/companies/{company['id']}/catalogues",
            headers=headers,
            json={"name": "Wedding menus"},
        )
    )
    saved = data(
        await client.post(
            f"/companies/{company['id']}/categories/bulk",
            headers=headers,
            json={"categories": [{"name": "Buffets"}, {"name": "Cakes"}]},
        )
    )
    buffets = saved["created"][0]

    # 4. A service with images, in the catalogue, showing the business number.
    refs = await reference_ids(client, "Catering")
    type_name = next(name for name in refs if name != "category")
    service = data(
        await client.post(
            "/user-services",
            headers=headers,
            data={
                "title": "Wedding buffet",
                "description": "For 100 to 1000 guests",
                "service_type_id": refs[type_name],
                "min_price": "25000",
                "max_price": "60000",
                "price_unit": "per_person",
                "catalogue_id": menu["id"],
                "category_id": buffets["id"],
                "business_phone_id": phone["id"],
                "latitude": "-6.7712",
                "longitude": "39.2401",
                "location": "Dar es Salaam",
            },
            files=[
                ("images", ("buffet.jpg", samples.jpeg(exif=True), "image/jpeg")),
                ("images", ("table.jpg", samples.jpeg(), "image/jpeg")),
            ],
        )
    )
    assert service["company_id"] == company["id"]
    assert service["business_phone"]["phone_number"] == "+255754000111"

    # 5. Packages, then the order customers see them in.
    ids = []
    for name, price in (("Silver", "25000"), ("Gold", "40000"), ("Platinum", "60000")):
        package = await client.post(
            f"/user-services/{service['id']}/packages",
            headers=headers,
            json={"name": name, "price": price, "features": ["Buffet"]},
        )
        ids.append(data(package)["id"])
    reordered = await client.put(
        f"/user-services/{service['id']}/packages/reorder",
        headers=headers,
        json={
            "order": [
                {"package_id": ids[1], "display_order": 1},
                {"package_id": ids[0], "display_order": 2},
                {"package_id": ids[2], "display_order": 3},
            ]
        },
    )
    assert [p["name"] for p in data(reordered)] == ["Gold", "Silver", "Platinum"]

    # 6. KYC: every required document, then staff approve the service.
    kyc = data(await client.get(f"/user-services/{service['id']}/kyc", headers=headers))
    files = {
        "pdf": ("doc.pdf", samples.PDF, "application/pdf"),
        "jpg": ("doc.jpg", samples.jpeg(), "image/jpeg"),
    }
    for requirement in kyc["requirements"]:
        if requirement["is_required"]:
            kind = "pdf" if "pdf" in requirement["accepted_formats"] else "jpg"
            sent = await client.post(
                f"/user-services/{service['id']}/kyc",
                headers=headers,
                data={"kyc_requirement_id": requirement["id"]},
                files={"document": files[kind]},
            )
            assert sent.status_code == 201, sent.text
    queue = await catalogue.kyc_queue(PageParams())
    assert [item.service_name for item in queue.items] == ["Wedding buffet"]
    await catalogue.approve_service_kyc(service["id"], staff)
    listing = data(await client.get("/user-services", headers=headers))
    assert listing["items"][0]["verification_status"] == "verified"
    assert listing["summary"]["verified_services"] == 1

    # 7. A promotion, public while it runs.
    promo = data(
        await client.post(
            "/promotions",
            headers=headers,
            json={
                "name": "June weddings",
                "category": "Buffets",
                "address": "Mwenge",
                "latitude": -6.7712,
                "longitude": 39.2401,
                "start_date": "2030-06-01",
                "end_date": "2030-06-30",
                "price": "22000",
                "company_id": company["id"],
            },
        )
    )
    await client.post(
        f"/promotions/{promo['id']}/image",
        headers=headers,
        files={"file": ("june.jpg", samples.jpeg(), "image/jpeg")},
    )
    public = data(await client.get(f"/promotions/{promo['id']}"))
    assert (public["company_name"], public["status"]) == ("Amina Catering", "scheduled")

    # 8. What the public sees of the provider and the company.
    page = data(await client.get(f"/providers/{profile['id']}"))
    assert page["address"] is None
    assert data(await client.get(f"/companies/{company['id']}"))["logo"] == data(logo)["logo"]

    # 9. Closing the company: services first, then the rest goes with it.
    refused = await client.delete(f"/companies/{company['id']}", headers=headers)
    assert body(refused)["code"] == "IN_USE"
    await client.delete(f"/user-services/{service['id']}", headers=headers)
    assert (await client.delete(f"/companies/{company['id']}", headers=headers)).status_code == 200
    await settle()  # its promotions go with it, in the background
    assert (await client.get(f"/promotions/{promo['id']}")).status_code == 404
