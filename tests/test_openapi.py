"""The OpenAPI document a front-end developer reads, and the docs page that shows it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema_rs
import pytest

from tests.support import Outbox, bearer, register

ERROR = "#/components/schemas/ErrorEnvelope"
FILE_ROUTES = [
    ("post", "/user-services", "images"),
    ("post", "/user-services/{service_id}/images", "images"),
    ("post", "/user-services/{service_id}/kyc", "document"),
    ("post", "/messages", "attachments"),
    ("post", "/messages/{conversation_id}", "attachments"),
    ("post", "/conversations/{conversation_id}/messages", "attachments"),
    ("post", "/experiences", "images"),
    ("post", "/users/verify-identity", "id_front"),
    ("post", "/users/craftsman/verification", "documents"),
    ("post", "/guides/apply", "resume"),
    ("put", "/users/me", None),
    ("put", "/users/profile", None),
]
ALIASES = {
    ("post", "/auth/register"): "POST /api/v1/users/signup",
    ("post", "/auth/login"): "POST /api/v1/auth/signin",
    ("post", "/auth/google/login"): "GET /api/v1/auth/google/login",
    ("post", "/auth/refresh-token"): "POST /api/v1/auth/refresh",
    ("post", "/auth/request-otp"): "POST /api/v1/users/request-otp",
    ("post", "/auth/verify-otp"): "POST /api/v1/users/verify-otp",
    ("get", "/users/me"): "GET /api/v1/users/profile",
    ("put", "/users/me"): "PUT /api/v1/users/profile",
    ("delete", "/users/me"): "DELETE /api/v1/users/account",
    ("post", "/users/me/upload-avatar"): "POST /api/v1/users/profile/picture",
    ("get", "/user-services/business-phones/list"): "GET /api/v1/user-services/business-phones",
    ("get", "/conversations"): "GET /api/v1/messages/conversations",
    ("get", "/conversations/{conversation_id}/messages"): "GET /api/v1/messages/{conversation_id}",
    ("post", "/conversations/{conversation_id}/messages"): (
        "POST /api/v1/messages/{conversation_id}"
    ),
}


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]


def op(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return document["paths"]["/api/v1" + path][method]


async def test_every_error_response_is_the_error_envelope(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        responses = operation["responses"]
        for code in ("400", "401", "403", "404", "409", "429"):
            assert code in responses, (method, path, code)
        if "requestBody" in operation:
            assert "413" in responses, (method, path)
        for code, response in responses.items():
            if int(code) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR}, (method, path, code)
    # Litestar's own 400 shape is never declared: the API never answers it.
    assert not any(
        name.startswith("ValidationException") for name in document["components"]["schemas"]
    )


async def test_a_handler_answering_no_data_declares_data_null(document: dict[str, Any]) -> None:
    logout = op(document, "post", "/auth/logout")["responses"]["200"]
    ref = logout["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][ref]["properties"]["data"] == {"type": "null"}


@pytest.mark.parametrize(("method", "path", "file_field"), FILE_ROUTES)
async def test_form_routes_declare_multipart_bodies(
    document: dict[str, Any], method: str, path: str, file_field: str | None
) -> None:
    content = op(document, method, path)["requestBody"]["content"]
    assert "application/json" in content
    form = content["multipart/form-data"]["schema"]
    assert form["type"] == "object"
    if file_field:
        field = form["properties"][file_field]
        binary = field.get("items", field)
        assert binary == {"type": "string", "format": "binary"}


async def test_form_fields_are_the_json_fields(document: dict[str, Any]) -> None:
    content = op(document, "put", "/users/profile")["requestBody"]["content"]
    ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    json_fields = set(document["components"]["schemas"][ref]["properties"])
    assert set(content["multipart/form-data"]["schema"]["properties"]) == json_fields


async def test_aliases_name_their_canonical_path(document: dict[str, Any]) -> None:
    for (method, path), canonical in ALIASES.items():
        operation = op(document, method, path)
        assert operation["x-alias-of"] == canonical, (method, path)
        assert operation["description"].startswith(f"Alias of `{canonical}`")
        assert operation["deprecated"] is False
        target_method, target_path = canonical.split(" ")
        assert "x-alias-of" not in document["paths"][target_path][target_method.lower()]


async def test_tags_follow_the_journey_one_per_operation(document: dict[str, Any]) -> None:
    names = [tag["name"] for tag in document["tags"]]
    assert names[0] == "Auth"
    admin = [i for i, name in enumerate(names) if name.startswith("Admin")]
    assert admin == list(range(len(names) - len(admin), len(names)))
    assert names.index("Providers") < names.index("Companies") < names.index("Services")
    assert names.index("Services") < names.index("Discovery") < names.index("Messages")
    used = set()
    for method, path, operation in operations(document):
        assert len(operation["tags"]) == 1, (method, path)
        used.add(operation["tags"][0])
    assert used == set(names)
    # One tag per resource: searching companies is under Companies, not a separate tag.
    assert op(document, "get", "/companies")["tags"] == ["Companies"]
    assert op(document, "get", "/providers")["tags"] == ["Providers"]


async def test_docs_are_served_without_a_cdn(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert urls, page.text[:500]
    for url in urls:
        assert url.startswith("/api/v1/docs/assets/"), url
        asset = await client.get("http://testserver" + url)
        assert asset.status_code == 200, url
        kind = asset.headers["content-type"]
        if url.endswith(".js"):
            assert "javascript" in kind
            assert len(asset.content) > 10_000
        elif url.endswith(".css"):
            assert kind.startswith("text/css")


async def test_the_root_points_to_the_docs(client: httpx.AsyncClient) -> None:
    response = await client.get("http://testserver/")
    assert response.status_code == 200
    assert response.json()["data"]["docs"] == "/api/v1/docs"
    assert (await client.get("http://testserver/api/v1/docs")).status_code == 200


async def test_a_form_text_field_that_is_not_utf8_is_a_400(
    client: httpx.AsyncClient, outbox: Outbox
) -> None:
    """Found by scripts/fuzz.sh: Litestar's form parser raised UnicodeDecodeError (a 500)."""
    user = await register(client, outbox)
    body = b'--x\r\nContent-Disposition: form-data; name="context"\r\n\r\n\x8d\xff\r\n--x--\r\n'
    response = await client.post(
        "/upload/image",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=x", **bearer(user.access_token)},
    )
    assert response.status_code == 400, response.text
    assert response.json()["success"] is False


async def test_a_page_route_keeps_its_html_errors(document: dict[str, Any]) -> None:
    bad_link = op(document, "get", "/notifications/unsubscribe")["responses"]["400"]["content"]
    assert "text/html" in bad_link
    assert bad_link["application/json"]["schema"] == {"$ref": ERROR}


JOURNEY_EXAMPLES = [
    ("post", "/users/signup", True),
    ("post", "/auth/signin", True),
    ("post", "/auth/devices/verify", False),
    ("post", "/auth/2fa/verify", False),
    ("post", "/providers/me", False),
    ("post", "/companies", False),
    ("post", "/user-services", False),
    ("post", "/user-services/{service_id}/packages", False),
    ("get", "/search", True),
    ("post", "/messages/start", False),
    ("post", "/messages/{conversation_id}", False),
]


def _validate(document: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    """``value`` against ``schema`` with the document's components for ``$ref``."""
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})
    validator.validate(value)


@pytest.mark.parametrize(("method", "path", "with_response"), JOURNEY_EXAMPLES)
async def test_journey_operations_have_examples_that_match_their_schemas(
    document: dict[str, Any], method: str, path: str, with_response: bool
) -> None:
    operation = op(document, method, path)
    if "requestBody" in operation:
        media = operation["requestBody"]["content"]["application/json"]
        _validate(document, media["schema"], media["examples"]["example"]["value"])
    if with_response:
        media = operation["responses"][
            "200"
            if method == "get"
            else sorted(c for c in operation["responses"] if c.startswith("2"))[0]
        ]["content"]["application/json"]
        _validate(document, media["schema"], media["examples"]["example"]["value"])
