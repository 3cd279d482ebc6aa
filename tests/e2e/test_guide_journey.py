"""Journey: a traveller applies to guide, is approved, fills a calendar and publishes an
experience tourists can find."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

from kwika.core import clock
from kwika.core.pagination import PageParams
from kwika.modules import providers
from tests.modules.media import samples
from tests.support import STAFF_REVIEWER, data, register, settle


async def test_a_guide_is_approved_and_publishes_an_experience(client, outbox):
    baraka = await register(client, outbox, first_name="Baraka")
    tourist = await register(client, outbox, first_name="Emma")

    # 1. The application, with a resume and a video.
    application = await client.post(
        "/guides/apply",
        headers=baraka.headers,
        data={
            "bio": "Ten years on Kilimanjaro and in the Ngorongoro crater.",
            "region": "Arusha",
            "specializations": "Safari, Mountain treks",
            "languages": "English, Swahili",
            "hourly_rate": "20",
            "currency": "USD",
        },
        files={
            "resume": ("cv.docx", samples.docx(), "application/octet-stream"),
            "video": ("hello.webm", samples.webm(), "video/webm"),
        },
    )
    assert application.status_code == 201

    # 2. Staff review it (the admin issue puts this behind /admin routes).
    queue = await providers.list_verifications(PageParams(), kind="guide")
    assert queue.items[0].application.region == "Arusha"
    await providers.approve_verification(queue.items[0].id, ObjectId(STAFF_REVIEWER))
    mail = await outbox.last(to=baraka.email, template="application_status")
    assert "approved" in mail["subject"]
    guide = data(await client.get("/providers/me", headers=baraka.headers))
    assert guide["kinds"] == ["guide"]

    # 3. The calendar.
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    await client.post(
        f"/guides/{guide['id']}/availability",
        headers=baraka.headers,
        json={"dates": [{"date": tomorrow, "slots": [{"start": "06:00", "end": "18:00"}]}]},
    )

    # 4. An experience.
    experience = data(
        await client.post(
            "/experiences",
            headers=baraka.headers,
            json={
                "title": "Crater day trip",
                "description": "Big five in a day",
                "category": "nature",
                "price": "180",
                "currency": "USD",
                "duration_hours": 10,
                "max_group_size": 6,
                "meeting_point": "Clock Tower, Arusha",
                "latitude": -3.3667,
                "longitude": 36.6833,
            },
        )
    )

    # 5. What a tourist finds (search follows the guide's changes in the background).
    await settle()
    guides = data(await client.get("/guides", params={"region": "arusha"}, headers=tourist.headers))
    assert [g["id"] for g in guides["items"]] == [guide["id"]]
    calendar = data(await client.get(f"/guides/{guide['id']}/availability"))
    assert calendar["days"][0]["date"] == tomorrow
    found = data(await client.get("/experiences", params={"category": "nature"}))
    assert [e["id"] for e in found["items"]] == [experience["id"]]
    seen = data(await client.get(f"/experiences/{experience['id']}"))
    assert seen["experience"]["meeting_point"] == "Clock Tower, Arusha"
    # A tourist cannot change it.
    assert (
        await client.put(
            f"/experiences/{experience['id']}", headers=tourist.headers, json={"price": 1}
        )
    ).status_code == 404
