"""Service images (seed 003 7.3-7.4): add, remove, primary; at most ten."""

from __future__ import annotations

from tests.modules.catalogue.conftest import create_service
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data


def jpegs(count: int) -> list:
    return [("images", (f"{n}.jpg", samples.jpeg((320, 240)), "image/jpeg")) for n in range(count)]


async def test_images_are_added_removed_and_made_primary(client, vendor):
    service = await create_service(client, vendor)
    base = f"/user-services/{service['id']}/images"

    added = await client.post(base, headers=vendor.headers, files=jpegs(3))
    assert added.status_code == 200
    images = data(added)["images"]
    assert [i["is_primary"] for i in images] == [True, False, False]

    primary = await client.put(f"{base}/{images[2]['id']}/primary", headers=vendor.headers)
    assert [i["is_primary"] for i in data(primary)["images"]] == [False, False, True]
    assert data(primary)["image"] == images[2]["url"]

    removed = await client.delete(f"{base}/{images[2]['id']}", headers=vendor.headers)
    assert [i["id"] for i in data(removed)["images"]] == [images[0]["id"], images[1]["id"]]
    assert data(removed)["images"][0]["is_primary"] is True  # the next one took over
    assert (await client.get(images[2]["url"])).status_code == 404
    assert (
        await client.delete(f"{base}/{images[2]['id']}", headers=vendor.headers)
    ).status_code == 404


async def test_uploaded_images_can_be_added_by_id(client, vendor, rival):
    service = await create_service(client, vendor)
    mine = data(await upload(client, vendor, samples.png(), "a.png", "service_image"))
    theirs = data(await upload(client, rival, samples.png(), "b.png", "service_image"))
    base = f"/user-services/{service['id']}/images"

    assert (
        await client.post(base, headers=vendor.headers, json={"image_ids": [theirs["id"]]})
    ).status_code == 404
    added = await client.post(base, headers=vendor.headers, json={"image_ids": [mine["id"]]})
    assert data(added)["images"][0]["id"] == mine["id"]
    in_use = await client.delete(f"/uploads/{mine['id']}", headers=vendor.headers)
    assert body(in_use)["data"]["used_by"][0] == {
        "type": "service",
        "id": service["id"],
        "title": "Wedding photos",
    }
    nothing = await client.post(base, headers=vendor.headers, json={})
    assert body(nothing)["errors"][0]["field"] == "images"


async def test_at_most_ten_images(client, vendor):
    service = await create_service(client, vendor)
    base = f"/user-services/{service['id']}/images"
    await client.post(base, headers=vendor.headers, files=jpegs(5))
    await client.post(base, headers=vendor.headers, files=jpegs(5))

    one_more = await client.post(base, headers=vendor.headers, files=jpegs(1))

    assert one_more.status_code == 400
    assert body(one_more)["errors"][0]["message"] == "A service has at most 10 images"
    assert (
        len(
            data(await client.get(f"/user-services/{service['id']}", headers=vendor.headers))[
                "images"
            ]
        )
        == 10
    )


async def test_seed_003_update_adds_removes_and_sets_primary_at_once(client, vendor):
    created = await client.post(
        "/user-services",
        headers=vendor.headers,
        data={"title": "T", "description": "D", "price": "1"},
        files=jpegs(2),
    )
    service = data(created)
    first, second = service["images"]

    response = await client.put(
        f"/user-services/{service['id']}",
        headers=vendor.headers,
        data={"remove_images": f'["{first["id"]}"]', "title": "Renamed"},
        files=jpegs(1),
    )

    assert response.status_code == 200
    updated = data(response)
    assert updated["title"] == "Renamed"
    assert updated["images"][0]["id"] == second["id"]
    assert len(updated["images"]) == 2
    new_id = updated["images"][1]["id"]
    primary = await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"primary_image_id": new_id}
    )
    assert next(i for i in data(primary)["images"] if i["is_primary"])["id"] == new_id
    unknown = await client.put(
        f"/user-services/{service['id']}", headers=vendor.headers, json={"remove_images": ["nope"]}
    )
    assert body(unknown)["errors"][0]["field"] == "remove_images"


async def test_another_providers_images_are_404(client, vendor, rival):
    service = await create_service(client, vendor)
    added = data(
        await client.post(
            f"/user-services/{service['id']}/images", headers=vendor.headers, files=jpegs(1)
        )
    )
    image_id = added["images"][0]["id"]
    base = f"/user-services/{service['id']}/images"

    assert (await client.post(base, headers=rival.headers, files=jpegs(1))).status_code == 404
    assert (await client.delete(f"{base}/{image_id}", headers=rival.headers)).status_code == 404
    assert (
        await client.put(f"{base}/{image_id}/primary", headers=rival.headers)
    ).status_code == 404
    # Nothing the rival sent was kept.
    assert data(await client.get("/uploads", headers=rival.headers))["items"] == []


async def test_a_failed_edit_leaves_the_images_already_shown_claimed(client, vendor):
    """Sending a shown image's id again and then failing must not un-claim it: the upload
    stays in use (not deletable) and the service keeps a working image."""
    image = data(await upload(client, vendor, samples.png(), "a.png", "service_image"))
    service = await create_service(client, vendor, image_ids=[image["id"]])
    path = f"/user-services/{service['id']}"

    bad_primary = await client.put(
        path,
        headers=vendor.headers,
        json={"image_ids": [image["id"]], "primary_image_id": "not-an-image"},
    )
    assert bad_primary.status_code == 400
    assert body(bad_primary)["errors"][0]["field"] == "primary_image_id"
    await still_in_use(client, vendor, image["id"], service["id"])
    unknown = await client.post(
        f"{path}/images", headers=vendor.headers, json={"image_ids": [image["id"], "0" * 24]}
    )
    assert unknown.status_code == 404
    await still_in_use(client, vendor, image["id"], service["id"])

    shown = data(await client.get(path, headers=vendor.headers))
    assert [i["id"] for i in shown["images"]] == [image["id"]]
    assert (await client.get(shown["images"][0]["url"])).status_code == 200


async def still_in_use(client, vendor, file_id: str, service_id: str) -> None:
    in_use = await client.delete(f"/uploads/{file_id}", headers=vendor.headers)
    assert in_use.status_code == 400
    assert [use["id"] for use in body(in_use)["data"]["used_by"]] == [service_id]
