"""Form bodies (urlencoded and multipart) on the real application: a protected route checks
the token before it reads the body, and a form has bounded fields, parts and field sizes.
Issue 11 items 1 and 8."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.support import body, data, register

MANY_FIELDS = 20_000


class CountedBody:
    """A request body handed over in chunks, counting how many the server asked for."""

    def __init__(self, payload: bytes, chunk: int = 16 * 1024) -> None:
        self.chunks = [payload[i : i + chunk] for i in range(0, len(payload), chunk)]
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk


def many_fields(count: int) -> bytes:
    return "&".join(f"f{i}=x" for i in range(count)).encode()


def multipart(parts: list[tuple[str, bytes, str | None]], boundary: str = "b0und") -> bytes:
    out = b""
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        out += value + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


async def test_a_form_without_a_token_is_refused_before_its_body_is_read(client):
    sent = CountedBody(many_fields(MANY_FIELDS))
    response = await client.put(
        "/users/profile",
        content=sent,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 401
    assert body(response)["code"] == "UNAUTHORIZED"
    assert sent.read == 0, f"{sent.read} of {len(sent.chunks)} chunks were read"


async def test_a_multipart_form_without_a_token_is_refused_unread(client):
    payload = multipart([(f"f{i}", b"x", None) for i in range(2000)])
    sent = CountedBody(payload)
    response = await client.post(
        "/user-services",
        content=sent,
        headers={"Content-Type": "multipart/form-data; boundary=b0und"},
    )

    assert response.status_code == 401
    assert sent.read == 0


async def test_too_many_form_fields_are_refused_in_the_envelope(client, outbox):
    account = await register(client, outbox)
    urlencoded = await client.put(
        "/users/profile",
        content=many_fields(MANY_FIELDS),
        headers={**account.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    parts = await client.put(
        "/users/profile",
        content=multipart([(f"f{i}", b"x", None) for i in range(2000)]),
        headers={**account.headers, "Content-Type": "multipart/form-data; boundary=b0und"},
    )

    for response in (urlencoded, parts):
        assert response.status_code == 413, response.text
        assert body(response)["success"] is False
        assert body(response)["code"] == "TOO_MANY_FIELDS"
        assert "fields" in body(response)["message"]


async def test_a_huge_text_field_is_refused(client, outbox):
    account = await register(client, outbox)
    big = b"x" * (200 * 1024)
    urlencoded = await client.put(
        "/users/profile",
        content=b"bio=" + big,
        headers={**account.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    parts = await client.put(
        "/users/profile",
        content=multipart([("bio", big, None)]),
        headers={**account.headers, "Content-Type": "multipart/form-data; boundary=b0und"},
    )

    for response in (urlencoded, parts):
        assert response.status_code == 413, response.text
        assert body(response)["code"] == "FIELD_TOO_LARGE"
        assert body(response)["errors"] == [
            {"field": "bio", "message": "At most 65536 bytes in a form field"}
        ]


async def test_ordinary_forms_still_work(client, outbox):
    account = await register(client, outbox)
    response = await client.put(
        "/users/profile", data={"first_name": "Amani"}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    assert data(response)["first_name"] == "Amani"


async def test_binary_bytes_in_a_text_part_are_a_400(client, outbox):
    account = await register(client, outbox)
    response = await client.put(
        "/users/profile",
        content=multipart([("first_name", b"\xff\xfe\x00\x81binary", None)]),
        headers={**account.headers, "Content-Type": "multipart/form-data; boundary=b0und"},
    )
    assert response.status_code == 400, response.text
    assert body(response)["errors"][0]["field"] == "first_name"


async def test_a_broken_multipart_body_is_a_400(client, outbox):
    account = await register(client, outbox)
    response = await client.put(
        "/users/profile",
        content=b'--b0und\r\nContent-Disposition: form-data; name="a"\r\n\r\nxx',
        headers={**account.headers, "Content-Type": "multipart/form-data; boundary=b0und"},
    )
    assert response.status_code == 400, response.text
    assert body(response)["code"] == "MALFORMED_FORM"
