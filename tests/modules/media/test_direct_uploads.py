"""Direct uploads (seed 003 20.3, seed 002 Task 13): content sniffing, limits, re-encoding,
serving."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from kwika.core import clock
from tests.modules.media import samples
from tests.modules.media.conftest import upload
from tests.support import body, data


async def fetch(client, url):
    return await client.get(url)


async def test_a_jpeg_is_stored_without_exif_with_its_orientation_applied(client, alice):
    original = samples.jpeg((800, 600), exif=True, orientation=6)
    assert b"SpyCam" in original

    response = await upload(client, alice, original, "holiday.jpg", "event_cover")

    assert response.status_code == 201, response.text
    file = data(response)
    assert file["file_id"] == file["upload_id"] == file["id"]
    assert file["status"] == "completed"
    assert file["content_type"] == "image/jpeg"
    assert file["filename"] == "holiday.jpg"
    # EXIF orientation 6 means "rotate 90°": stored upright, so 600 wide and 800 high.
    assert file["dimensions"] == {"width": 600, "height": 800}
    stored = await fetch(client, file["file_url"])
    assert stored.status_code == 200
    assert stored.headers["content-type"] == "image/jpeg"
    assert stored.headers["x-content-type-options"] == "nosniff"
    assert len(stored.content) == file["file_size"]
    assert b"SpyCam" not in stored.content
    picture = Image.open(io.BytesIO(stored.content))
    assert picture.format == "JPEG"
    assert dict(picture.getexif()) == {}
    assert "exif" not in picture.info
    assert picture.size == (600, 800)
    # The blue corner was top-left; after a 90° clockwise turn it is top-right.
    assert picture.getpixel((590, 10))[2] > 200

    thumbnail = await fetch(client, file["thumbnail_url"])
    assert thumbnail.status_code == 200
    assert Image.open(io.BytesIO(thumbnail.content)).size == (240, 320)


async def test_large_images_are_scaled_down_never_up(client, alice):
    big = data(await upload(client, alice, samples.jpeg((2400, 1200)), "big.jpg", "event_cover"))
    small = data(await upload(client, alice, samples.png((300, 200)), "small.png", "service_image"))

    assert big["dimensions"] == {"width": 1920, "height": 960}
    assert small["dimensions"] == {"width": 300, "height": 200}
    assert small["content_type"] == "image/png"


async def test_png_webp_and_gif_are_accepted_and_gif_becomes_a_still_png(client, alice):
    webp = data(await upload(client, alice, samples.webp(), "a.webp", "post_media"))
    gif = data(await upload(client, alice, samples.gif(), "a.gif", "event_gallery"))

    assert webp["content_type"] == "image/webp"
    assert gif["content_type"] == "image/png"
    assert gif["file_url"].endswith(".png")
    stored = await fetch(client, gif["file_url"])
    assert Image.open(io.BytesIO(stored.content)).format == "PNG"


async def test_a_file_is_what_its_bytes_say_not_its_name_or_declared_type(client, alice):
    for content, name in (
        (samples.PDF, "photo.jpg"),
        (samples.HTML, "photo.jpg"),
        (samples.TEXT, "photo.png"),
        (samples.mp4(), "photo.webp"),
    ):
        response = await upload(client, alice, content, name, "event_cover")

        assert response.status_code == 400, name
        assert body(response)["code"] == "VALIDATION_FAILED"
        assert body(response)["errors"][0]["field"] == "file"
        assert "not accepted" in body(response)["errors"][0]["message"]


async def test_a_real_image_behind_a_wrong_extension_is_stored_as_what_it_is(client, alice):
    response = await upload(
        client, alice, samples.png(), "document.pdf", "event_cover", content_type="application/pdf"
    )

    assert response.status_code == 201
    assert data(response)["content_type"] == "image/png"
    assert data(response)["file_url"].endswith(".png")


async def test_corrupt_and_empty_images_are_refused(client, alice):
    corrupt = await upload(client, alice, samples.truncated_jpeg(), "broken.jpg")
    empty = await upload(client, alice, b"", "empty.jpg")

    assert corrupt.status_code == 400
    assert body(corrupt)["errors"] == [
        {"field": "file", "message": "The image is corrupt or cannot be read"}
    ]
    assert empty.status_code == 400
    assert body(empty)["errors"][0]["message"] == "The file is empty"


async def test_files_above_the_context_limit_are_refused_with_the_limit(client, alice):
    # A valid JPEG padded past the generic image context's 5 MB.
    padded = samples.jpeg((200, 200)) + b"\x00" * (5 * 1024 * 1024)

    response = await upload(client, alice, padded, "huge.jpg", "image")

    assert response.status_code == 400
    assert body(response)["message"] == "File size exceeds maximum allowed"
    assert body(response)["data"] == {"max_size": 5 * 1024 * 1024, "provided_size": len(padded)}
    # The same bytes are fine where 10 MB images are allowed.
    assert (await upload(client, alice, padded, "huge.jpg", "event_gallery")).status_code == 201


async def test_unknown_or_missing_context_is_a_validation_error(client, alice):
    unknown = await upload(client, alice, samples.jpeg(), "a.jpg", "wallpaper")
    missing = await upload(client, alice, samples.jpeg(), "a.jpg", context="")

    assert unknown.status_code == 400
    assert body(unknown)["errors"][0]["field"] == "context"
    assert missing.status_code == 400
    assert body(missing)["errors"] == [{"field": "context", "message": "This field is required"}]


async def test_uploads_need_a_signed_in_user(client):
    response = await client.post(
        "/uploads/direct",
        files={"file": ("a.jpg", samples.jpeg(), "image/jpeg")},
        data={"context": "event_cover"},
    )

    assert response.status_code == 401


async def test_documents_are_private_signed_and_always_downloaded(client, alice):
    response = await upload(
        client,
        alice,
        samples.PDF,
        "cv.pdf",
        path="/upload/document",
        context="",
        content_type="application/pdf",
    )

    assert response.status_code == 201
    file = data(response)
    assert file["content_type"] == "application/pdf"
    assert file["thumbnail_url"] is None
    assert file["dimensions"] is None
    assert "token=" in file["file_url"]
    stored = await fetch(client, file["file_url"])
    assert stored.status_code == 200
    assert stored.content == samples.PDF
    assert stored.headers["content-type"] == "application/pdf"
    assert stored.headers["content-disposition"] == 'attachment; filename="cv.pdf"'
    assert stored.headers["x-content-type-options"] == "nosniff"
    assert stored.headers["cache-control"] == "private, no-store"

    bare = file["file_url"].split("?")[0]
    assert (await fetch(client, bare)).status_code == 403
    token = parse_qs(urlsplit(file["file_url"]).query)["token"][0]
    other_key = bare.replace(".pdf", "0.pdf")
    assert (await fetch(client, f"{other_key}?token={token}")).status_code in (403, 404)
    assert (await fetch(client, f"{bare}?token={token[:-2]}xx")).status_code == 403

    clock.travel(timedelta(hours=2))
    assert (await fetch(client, file["file_url"])).status_code == 403
    # Asking again gives a fresh link.
    fresh = data(await client.get(f"/uploads/{file['id']}", headers=alice.headers))
    assert (await fetch(client, fresh["file_url"])).status_code == 200


async def test_word_documents_are_recognised_and_lookalikes_are_not(client, alice):
    def send(content, name):
        return upload(
            client, alice, content, name, "guide_resume", content_type="application/msword"
        )

    assert data(await send(samples.docx(), "cv.docx"))["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert data(await send(samples.doc(), "cv.doc"))["content_type"] == "application/msword"
    assert (await send(samples.plain_zip(), "cv.docx")).status_code == 400
    assert (await send(samples.xls(), "cv.doc")).status_code == 400
    assert (await send(samples.jpeg(), "cv.pdf")).status_code == 400


async def test_guide_resume_is_limited_to_5_mb(client, alice):
    big = samples.PDF + b"\x00" * (5 * 1024 * 1024)

    response = await upload(client, alice, big, "cv.pdf", "guide_resume")

    assert response.status_code == 400
    assert body(response)["data"]["max_size"] == 5 * 1024 * 1024


async def test_videos_are_sniffed_and_kept_as_sent(client, alice):
    mp4 = await upload(client, alice, samples.mp4(), "clip.mp4", path="/upload/video", context="")
    webm = await upload(client, alice, samples.webm(), "intro.webm", "guide_video")
    mov_for_guide = await upload(client, alice, samples.mov(), "intro.mov", "guide_video")
    video_as_image = await upload(
        client, alice, samples.mp4(), "clip.jpg", path="/upload/image", context=""
    )

    assert mp4.status_code == 201
    assert data(mp4)["content_type"] == "video/mp4"
    assert data(mp4)["thumbnail_url"] is None
    assert data(mp4)["dimensions"] is None
    assert (await fetch(client, data(mp4)["file_url"])).content == samples.mp4()
    assert data(webm)["content_type"] == "video/webm"
    assert mov_for_guide.status_code == 400
    assert video_as_image.status_code == 400


async def test_seed_002_routes_take_an_optional_context_of_their_kind(client, alice):
    avatar_image = await upload(
        client, alice, samples.jpeg(), "a.jpg", path="/upload/image", context="avatar"
    )
    resume_as_image = await upload(
        client, alice, samples.jpeg(), "a.jpg", path="/upload/image", context="guide_resume"
    )

    assert data(avatar_image)["dimensions"] == {"width": 400, "height": 400}
    assert data(avatar_image)["context"] == "avatar"
    assert resume_as_image.status_code == 400
    assert body(resume_as_image)["errors"][0]["field"] == "context"


async def test_bodies_above_the_route_limit_are_413(client, alice):
    too_big = b"\x00" * (7 * 1024 * 1024)

    response = await client.post(
        "/users/profile/picture",
        headers=alice.headers,
        files={"file": ("a.jpg", too_big, "image/jpeg")},
    )

    assert response.status_code == 413
    assert body(response)["code"] == "PAYLOAD_TOO_LARGE"


async def test_the_file_route_only_serves_keys_it_generated(client, alice):
    file = data(await upload(client, alice, samples.jpeg(), "a.jpg"))
    key = file["file_url"].split("/api/v1/media/")[1]

    assert (await client.get(f"/media/{key}")).status_code == 200
    for bad in (
        "../../etc/passwd",
        "public/event_cover/2024/01/..%2F..%2Fsecret.jpg",
        key.replace(".jpg", ".html"),
        key.replace("public/", "private/"),
        "public/event_cover/2024/01/" + "0" * 32 + ".jpg",
    ):
        response = await client.get(f"/media/{bad}")
        assert response.status_code in (403, 404), bad


async def test_the_upload_contexts_are_listed(client, alice):
    response = await client.get("/uploads/contexts", headers=alice.headers)

    contexts = {c["name"]: c for c in data(response)}
    assert contexts["avatar"]["max_size"] == {"image": 5 * 1024 * 1024}
    assert contexts["guide_video"]["allowed_types"] == ["video/mp4", "video/webm"]
    assert contexts["kyc_document"]["private"] is True
    assert {
        "avatar",
        "event_cover",
        "event_gallery",
        "post_media",
        "moment_media",
        "service_image",
        "kyc_document",
        "message_attachment",
        "support_attachment",
        "circle_cover",
        "company_logo",
        "promotion_image",
        "event_image",
        "guide_resume",
        "guide_video",
        "portfolio",
    } <= set(contexts)


async def test_uploads_are_rate_limited_per_user(client, alice, settings):
    settings.media.uploads_per_hour = 2
    for _ in range(2):
        assert (await upload(client, alice, samples.png(), "a.png")).status_code == 201

    response = await upload(client, alice, samples.png(), "a.png")

    assert response.status_code == 429
    assert "retry-after" in response.headers


async def test_videos_can_be_fetched_by_byte_range(client, alice):
    video = samples.mp4(size=10_000)
    file = data(await upload(client, alice, video, "clip.mp4", "post_media"))

    whole = await client.get(file["file_url"])
    first = await client.get(file["file_url"], headers={"Range": "bytes=0-99"})
    tail = await client.get(file["file_url"], headers={"Range": "bytes=-10"})
    beyond = await client.get(file["file_url"], headers={"Range": "bytes=999999-"})

    assert whole.headers["accept-ranges"] == "bytes"
    assert first.status_code == 206
    assert first.content == video[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{len(video)}"
    assert first.headers["content-type"] == "video/mp4"
    assert first.headers["x-content-type-options"] == "nosniff"
    assert tail.content == video[-10:]
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(video)}"


async def test_non_ascii_filenames_are_kept_for_downloads(client, alice):
    file = data(
        await upload(
            client, alice, samples.PDF, "mkataba wa kazi ya Zanzibar №2.pdf", "guide_resume"
        )
    )

    download = await client.get(file["file_url"])

    assert file["filename"] == "mkataba wa kazi ya Zanzibar №2.pdf"
    assert download.headers["content-disposition"] == (
        "attachment; filename*=utf-8''mkataba%20wa%20kazi%20ya%20Zanzibar%20%E2%84%962.pdf"
    )


async def test_invisible_and_bidi_characters_are_removed_from_file_names(client, alice):
    # U+202E turns "invoice\u202egpj.exe" into "invoiceexe.jpg" on screen.
    tricky = "invoice\u202egpj\u200b\u2066.jpg\u00ad"
    direct = await upload(client, alice, samples.jpeg(), "in\x85voice\u202egpj\u200b\u2066.jpg")
    signed = await client.post(
        "/uploads/request",
        headers=alice.headers,
        json={
            "filename": tricky,
            "content_type": "image/jpeg",
            "size": 1000,
            "context": "event_cover",
        },
    )

    assert direct.status_code == 201, direct.text
    assert data(direct)["filename"] == "in_voicegpj.jpg"
    assert signed.status_code == 201, signed.text
    status = data(await client.get(f"/uploads/{data(signed)['upload_id']}", headers=alice.headers))
    assert status["filename"] == "invoicegpj.jpg"
