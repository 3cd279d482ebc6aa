"""Bodies a client gets wrong are 400s in the envelope, never 500s (issue 11 item 8)."""

from __future__ import annotations

import pytest

from tests.support import body, register

MALFORMED = {
    "success": False,
    "message": "Request body is not valid JSON",
    "code": "MALFORMED_JSON",
}


@pytest.mark.parametrize(
    "content",
    [
        b'{"credential": "a", "password": ',  # truncated
        b"credential=a&password=b",  # not JSON at all
        b"[" * 1000 + b"]" * 1000,  # nested 1,000 deep
        b'{"credential": "' + b"\xff\xfe\xfd" + b'", "password": "x"}',  # not UTF-8
        b"\xff",
    ],
    ids=["truncated", "not-json", "deep", "invalid-utf8", "one-bad-byte"],
)
async def test_unreadable_json_is_one_clear_400(client, content):
    response = await client.post(
        "/auth/signin", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert body(response) == MALFORMED


async def test_deep_json_on_a_protected_route_is_a_400(client, outbox):
    account = await register(client, outbox)
    response = await client.put(
        "/users/profile",
        content=b'{"bio": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        headers={**account.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert body(response)["code"] == "MALFORMED_JSON"


async def test_a_binary_part_without_a_file_name_is_a_400(client, outbox):
    account = await register(client, outbox)
    boundary = "b0und"
    content = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="images"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + b"\x89PNG\r\n\x1a\n\x00\xff\xfe"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = await client.post(
        "/user-services",
        content=content,
        headers={**account.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400, response.text
    assert body(response)["success"] is False
