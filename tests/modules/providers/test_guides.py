"""Guides (seed 002 Task 5): applications with a resume and a video, guide pages and the
availability calendar."""

from __future__ import annotations

from datetime import date, timedelta

from bson import ObjectId

from kwika.core import clock
from kwika.core.pagination import PageParams
from kwika.modules import providers
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import STAFF_REVIEWER, body, data, make_guide, register

STAFF = ObjectId(STAFF_REVIEWER)
MB = 1024 * 1024
FORM = {
    "bio": "Guiding walkers on Kilimanjaro's slopes for a decade.",
    "region": "Kilimanjaro",
    "specializations": ["Mountain treks", "Birdwatching"],
    "languages": "English, Swahili, German",
    "years_experience": "8",
    "hourly_rate": "25.50",
    "currency": "USD",
}


def files(
    resume=("cv.pdf", samples.PDF, "application/pdf"),
    video=("intro.mp4", samples.mp4(), "video/mp4"),
):
    chosen = {}
    if resume:
        chosen["resume"] = resume
    if video:
        chosen["video"] = video
    return chosen


async def apply(client, account, form=None, **kwargs):
    return await client.post(
        "/guides/apply", headers=account.headers, data=form or FORM, files=files(**kwargs)
    )


async def test_a_user_applies_with_a_resume_and_a_video(client, outbox):
    user = await register(client, outbox)

    response = await apply(client, user)

    assert response.status_code == 201
    application = data(response)
    assert application["status"] == "pending"
    assert application["region"] == "Kilimanjaro"
    assert application["specializations"] == ["Mountain treks", "Birdwatching"]
    assert application["languages"] == ["English", "Swahili", "German"]
    assert (application["hourly_rate"], application["currency"]) == ("25.50", "USD")
    assert application["resume"]["content_type"] == "application/pdf"
    assert application["video"]["content_type"] == "video/mp4"
    assert "token=" in application["resume"]["file_url"]  # private, signed
    download = await client.get(application["resume"]["file_url"])
    assert download.headers["content-disposition"].startswith("attachment")
    mine = await client.get("/guides/application", headers=user.headers)
    assert data(mine)["id"] == application["id"]
    again = await apply(client, user)
    assert again.status_code == 409
    assert body(again)["code"] == "VERIFICATION_PENDING"


async def test_word_resumes_and_webm_videos_are_accepted(client, outbox):
    user = await register(client, outbox)

    response = await apply(
        client,
        user,
        resume=("cv.docx", samples.docx(), "application/octet-stream"),
        video=("intro.webm", samples.webm(), "video/webm"),
    )

    assert response.status_code == 201
    assert data(response)["video"]["content_type"] == "video/webm"


async def test_resume_and_video_file_rules(client, outbox):
    user = await register(client, outbox)
    cases = [
        ({"resume": ("cv.pdf", samples.mp4(), "application/pdf")}, "resume"),
        ({"resume": ("cv.pdf", samples.TEXT, "application/pdf")}, "resume"),
        ({"resume": ("cv.pdf", samples.PDF + b"\0" * (5 * MB), "application/pdf")}, "resume"),
        ({"video": ("intro.mp4", samples.PDF, "video/mp4")}, "video"),
        ({"video": ("intro.mov", samples.mov(), "video/quicktime")}, "video"),
        ({"video": None}, "video"),
        ({"resume": None}, "resume"),
    ]
    for override, field in cases:
        response = await apply(client, user, **override)
        assert response.status_code == 400, (override, response.text)
        assert body(response)["errors"][0]["field"] == field, override
    # No file of a refused application was kept.
    assert data(await client.get("/uploads", headers=user.headers))["items"] == []


async def test_the_application_fields_are_validated(client, outbox):
    user = await register(client, outbox)

    response = await apply(client, user, form={"bio": "short", "currency": "XXX"})

    assert response.status_code == 400
    fields = {e["field"] for e in body(response)["errors"]}
    assert {"bio", "region", "specializations", "languages"} <= fields


async def test_files_can_be_uploaded_first(client, outbox):
    user = await register(client, outbox)
    resume = data(
        await upload(
            client, user, samples.PDF, "cv.pdf", "guide_resume", content_type="application/pdf"
        )
    )
    video = data(
        await upload(client, user, samples.mp4(), "v.mp4", "guide_video", content_type="video/mp4")
    )

    response = await client.post(
        "/guides/apply",
        headers=user.headers,
        json={
            **FORM,
            "specializations": ["Treks"],
            "resume_id": resume["id"],
            "video_id": video["id"],
        },
    )

    assert response.status_code == 201
    assert data(response)["resume"]["id"] == resume["id"]


async def test_approval_makes_a_guide_and_rejection_says_why(client, outbox):
    rejected = await register(client, outbox, first_name="Neema")
    approved = await register(client, outbox, first_name="Baraka")
    first = data(await apply(client, rejected))
    second = data(await apply(client, approved))

    await providers.reject_verification(first["id"], STAFF, "The video is silent")
    await providers.approve_verification(second["id"], STAFF)

    status = data(await client.get("/guides/application", headers=rejected.headers))
    assert (status["status"], status["rejection_reason"]) == ("rejected", "The video is silent")
    assert (
        "The video is silent"
        in (await outbox.last(to=rejected.email, template="application_status"))["body"]
    )
    guide = data(await client.get("/providers/me", headers=approved.headers))
    assert guide["kinds"] == ["guide"]
    assert guide["guide"]["region"] == "Kilimanjaro"
    assert guide["guide"]["hourly_rate"] == "25.50"
    assert guide["is_verified"] is True
    assert (
        data(await client.get("/users/me", headers=approved.headers))["account_type"] == "provider"
    )
    # Resubmitting after a rejection is allowed; after an approval it is not.
    assert (await apply(client, rejected)).status_code == 201
    done = await apply(client, approved)
    assert body(done)["code"] == "ALREADY_VERIFIED"


async def test_an_existing_provider_adds_the_guide_kind(client, outbox):
    from tests.support import make_provider

    vendor = await make_provider(client, outbox, kinds=("vendor",), bio="Vendor first")
    application = data(await apply(client, vendor))

    await providers.approve_verification(application["id"], STAFF)

    profile = data(await client.get("/providers/me", headers=vendor.headers))
    assert profile["kinds"] == ["vendor", "guide"]
    assert profile["bio"] == "Vendor first"
    assert profile["verification"]["guide"] == "verified"
    # The kind may now be dropped and added again.
    dropped = await client.put("/providers/me", headers=vendor.headers, json={"kinds": ["vendor"]})
    assert data(dropped)["kinds"] == ["vendor"]
    back = await client.put(
        "/providers/me", headers=vendor.headers, json={"kinds": ["vendor", "guide"]}
    )
    assert back.status_code == 200


async def test_the_public_list_holds_approved_guides_best_rated_first(client, outbox):
    arusha = await make_guide(client, outbox, region="Arusha", specializations="Safari")
    zanzibar = await make_guide(client, outbox, region="Zanzibar North", specializations="Diving")
    pending_user = await register(client, outbox)
    await apply(client, pending_user)
    await providers.record_rating(zanzibar.extra["provider"]["id"], add=5)
    await providers.record_rating(arusha.extra["provider"]["id"], add=3)

    listing = data(await client.get("/guides"))
    assert [g["id"] for g in listing["items"]] == [
        zanzibar.extra["provider"]["id"],
        arusha.extra["provider"]["id"],
    ]
    by_region = data(await client.get("/guides", params={"region": "north"}))
    assert [g["id"] for g in by_region["items"]] == [zanzibar.extra["provider"]["id"]]
    by_skill = data(await client.get("/guides", params={"specialization": "saf"}))
    assert [g["id"] for g in by_skill["items"]] == [arusha.extra["provider"]["id"]]
    rated = data(await client.get("/guides", params={"min_rating": 4}))
    assert [g["id"] for g in rated["items"]] == [zanzibar.extra["provider"]["id"]]
    speaks = data(await client.get("/guides", params={"language": "swahili"}))
    assert len(speaks["items"]) == 2
    assert (await client.get("/guides", params={"min_rating": 7})).status_code == 400


async def test_a_guide_page_and_its_owner_only_updates(client, outbox, vendor):
    guide = await make_guide(client, outbox)
    guide_id = guide.extra["provider"]["id"]

    page = await client.get(f"/guides/{guide_id}")
    assert page.status_code == 200
    assert data(page)["guide"]["region"] == "Arusha"
    assert (await client.get(f"/guides/{vendor.extra['provider']['id']}")).status_code == 404

    update = await client.put(
        f"/guides/{guide_id}",
        headers=guide.headers,
        json={
            "region": "Moshi",
            "specializations": ["Coffee tours"],
            "hourly_rate": "30",
            "currency": "KES",
            "languages": ["English"],
        },
    )
    assert update.status_code == 200
    updated = data(update)
    assert updated["guide"]["region"] == "Moshi"
    assert updated["guide"]["specializations"] == ["Coffee tours"]
    assert (updated["guide"]["hourly_rate"], updated["guide"]["currency"]) == ("30.00", "KES")
    assert updated["languages"] == ["English"]
    hijack = await client.put(f"/guides/{guide_id}", headers=vendor.headers, json={"region": "X1"})
    assert hijack.status_code == 404
    guides_list = await providers.list_verifications(PageParams(), status="verified", kind="guide")
    assert guides_list.pagination.total_items == 1


async def test_the_availability_calendar(client, outbox, vendor):
    guide = await make_guide(client, outbox)
    guide_id = guide.extra["provider"]["id"]
    today = clock.now().date()
    days = [today + timedelta(days=n) for n in (1, 2, 3)]

    response = await client.post(
        f"/guides/{guide_id}/availability",
        headers=guide.headers,
        json={
            "dates": [
                {"date": days[0].isoformat(), "slots": [{"start": "9:00", "end": "12:30"}]},
                {"date": days[1].isoformat(), "is_available": False, "note": "Family day"},
                {"date": days[2].isoformat()},
            ]
        },
    )

    assert response.status_code == 200
    calendar = data(response)
    assert [d["date"] for d in calendar["days"]] == [d.isoformat() for d in days]
    assert calendar["days"][0]["slots"] == [{"start": "09:00", "end": "12:30"}]
    assert calendar["days"][1]["is_available"] is False

    # Sending a day again replaces it; other days stay.
    await client.post(
        f"/guides/{guide_id}/availability",
        headers=guide.headers,
        json={"dates": [{"date": days[1].isoformat(), "is_available": True}]},
    )
    public = data(await client.get(f"/guides/{guide_id}/availability"))
    assert [d["is_available"] for d in public["days"]] == [True, True, True]
    assert public["from_date"] == today.isoformat()
    window = data(
        await client.get(
            f"/guides/{guide_id}/availability",
            params={"from": days[2].isoformat(), "to": days[2].isoformat()},
        )
    )
    assert [d["date"] for d in window["days"]] == [days[2].isoformat()]
    marked = await providers.availability_on(guide_id, [days[0], today + timedelta(days=9)])
    assert marked == {days[0]: True, today + timedelta(days=9): None}

    other = await client.post(
        f"/guides/{guide_id}/availability",
        headers=vendor.headers,
        json={"dates": [{"date": days[0].isoformat()}]},
    )
    assert other.status_code == 404


async def test_availability_rules(client, outbox):
    guide = await make_guide(client, outbox)
    path = f"/guides/{guide.extra['provider']['id']}/availability"
    today = clock.now().date()
    tomorrow = (today + timedelta(days=1)).isoformat()

    def post(dates):
        return client.post(path, headers=guide.headers, json={"dates": dates})

    past = await post([{"date": (today - timedelta(days=1)).isoformat()}])
    assert body(past)["errors"][0]["field"] == "dates.0.date"
    far = await post([{"date": (today + timedelta(days=800)).isoformat()}])
    assert far.status_code == 400
    twice = await post([{"date": tomorrow}, {"date": tomorrow}])
    assert twice.status_code == 400
    backwards = await post([{"date": tomorrow, "slots": [{"start": "12:00", "end": "09:00"}]}])
    assert backwards.status_code == 400
    bad_time = await post([{"date": tomorrow, "slots": [{"start": "25:00", "end": "26:00"}]}])
    assert bad_time.status_code == 400
    busy = await post(
        [{"date": tomorrow, "is_available": False, "slots": [{"start": "09:00", "end": "10:00"}]}]
    )
    assert body(busy)["errors"][0]["field"] == "dates.0.slots"
    wide = await client.get(
        path, params={"from": today.isoformat(), "to": (today + timedelta(days=400)).isoformat()}
    )
    assert wide.status_code == 400
    assert (await client.get(path.replace(guide.extra["provider"]["id"], "x"))).status_code == 404
    assert isinstance(date.fromisoformat(tomorrow), date)
