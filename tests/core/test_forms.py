"""core.forms.FormAsJson: form bodies validated as JSON, and file fields stored through a
callback the route supplies (owner = the signed-in principal), undone when the request
fails. A small Litestar app with the application's error envelope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from bson import ObjectId
from litestar import Litestar, post
from litestar.datastructures import UploadFile
from litestar.middleware import ASGIMiddleware
from litestar.params import JSONBody
from litestar.types import ASGIApp, Receive, Scope, Send
from pydantic import BaseModel

from kwika.core.errors import NotFound, ValidationFailed
from kwika.core.exception_handlers import EXCEPTION_HANDLERS
from kwika.core.forms import FileField, FormAsJson

OWNER = ObjectId()


@dataclass
class Store:
    """Records what the route's callback stored and discarded."""

    files: dict[str, tuple[ObjectId, str, bytes, str]] = field(default_factory=dict)
    discarded: list[str] = field(default_factory=list)
    refuse: bytes | None = None

    async def store(self, owner_id: ObjectId, upload: UploadFile, name: str) -> str:
        content = await upload.read()
        if content == self.refuse:
            raise ValidationFailed.single(name, "Refused")
        file_id = str(ObjectId())
        self.files[file_id] = (owner_id, upload.filename, content, name)
        return file_id

    async def discard(self, file_id: str) -> None:
        self.discarded.append(file_id)


class Body(BaseModel):
    content: str = ""
    attachments: list[str] = []
    fail: str | None = None


@dataclass
class User:
    id: ObjectId
    kind: str = "user"


class SignedIn(ASGIMiddleware):
    """Stands in for the authentication middleware (``scope["user"]``)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        anonymous = any(k == b"x-anonymous" for k, _ in scope.get("headers", []))
        scope["user"] = None if anonymous else User(OWNER)  # type: ignore[typeddict-unknown-key]
        await next_app(scope, receive, send)


def make_app(store: Store) -> Litestar:
    files = {"attachments": FileField(store.store, store.discard, max_files=3)}

    @post("/send", middleware=[FormAsJson(files=files)], request_max_body_size=4096)
    async def send(data: JSONBody[Body]) -> dict[str, Any]:
        if data.fail == "not_found":
            raise NotFound("Conversation not found")
        if data.fail == "crash":
            raise RuntimeError("boom")
        return data.model_dump()

    @post("/plain", middleware=[FormAsJson()])
    async def plain(data: JSONBody[Body]) -> dict[str, Any]:
        return data.model_dump()

    return Litestar(
        [send, plain],
        middleware=[SignedIn()],
        exception_handlers=EXCEPTION_HANDLERS,
        debug=False,
        logging_config=None,
    )


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
async def http(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(store))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_file_parts_become_ids_of_the_callers_files(http, store):
    earlier = str(ObjectId())
    response = await http.post(
        "/send",
        files=[
            ("content", (None, "hello")),
            ("attachments", ("a.txt", b"first", "text/plain")),
            ("attachments", (None, earlier)),
            ("attachments[]", ("b.txt", b"second", "text/plain")),
        ],
    )

    assert response.status_code == 201, response.text
    ids = response.json()["attachments"]
    assert len(ids) == 3
    assert earlier in ids
    by_name = {store.files[i][1]: (i, store.files[i]) for i in ids if i != earlier}
    for name, content in (("a.txt", b"first"), ("b.txt", b"second")):
        file_id, (owner, _, stored, field_name) = by_name[name]
        assert (owner, stored) == (OWNER, content)
        # An error about this file would name its place in the final list.
        assert field_name == f"attachments.{ids.index(file_id)}"
    assert response.json()["content"] == "hello"
    assert store.discarded == []


async def test_one_value_of_a_file_field_is_still_a_list(http, store):
    by_form = await http.post("/send", data={"attachments": "65f0000000000000000000ab"})
    one_file = await http.post("/send", files={"attachments": ("a.txt", b"x", "text/plain")})

    assert by_form.json()["attachments"] == ["65f0000000000000000000ab"]
    assert len(one_file.json()["attachments"]) == 1


async def test_a_failed_request_discards_what_it_stored(http, store):
    for fail in ("not_found", "crash"):
        response = await http.post(
            "/send",
            data={"fail": fail},
            files={"attachments": ("a.txt", b"x", "text/plain")},
        )
        assert response.status_code in (404, 500)
        assert response.json()["success"] is False
    assert len(store.discarded) == 2
    assert set(store.discarded) == set(store.files)


async def test_validation_after_storing_discards_too(http, store):
    response = await http.post(
        "/send",
        data={"content": ["two", "values"]},
        files={"attachments": ("a.txt", b"x", "text/plain")},
    )
    assert response.status_code == 400
    assert store.discarded == list(store.files)


async def test_a_refused_file_undoes_the_ones_before_it(http, store):
    store.refuse = b"bad"
    response = await http.post(
        "/send",
        files=[
            ("attachments", ("ok.txt", b"fine", "text/plain")),
            ("attachments", ("bad.txt", b"bad", "text/plain")),
        ],
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "attachments.1", "message": "Refused"}]
    assert store.discarded == list(store.files)
    assert len(store.files) == 1


async def test_too_many_files_is_refused_before_storing(http, store):
    parts = [("attachments", (f"{n}.txt", b"x", "text/plain")) for n in range(4)]
    response = await http.post("/send", files=parts)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "attachments", "message": "At most 3 files"}]
    assert store.files == {}


async def test_files_need_a_signed_in_caller(http, store):
    response = await http.post(
        "/send",
        files={"attachments": ("a.txt", b"x", "text/plain")},
        headers={"X-Anonymous": "1"},
    )
    assert response.status_code == 401
    assert store.files == {}


async def test_empty_file_inputs_are_ignored(http, store):
    response = await http.post(
        "/send",
        files=[("content", (None, "hi")), ("attachments", ("", b"", "application/octet-stream"))],
    )
    assert response.status_code == 201, response.text
    assert response.json()["attachments"] == []
    assert store.files == {}


async def test_file_parts_elsewhere_are_refused(http, store):
    other_field = await http.post("/send", files={"content": ("a.txt", b"x", "text/plain")})
    no_file_fields = await http.post("/plain", files={"attachments": ("a.txt", b"x", "text/plain")})

    for response in (other_field, no_file_fields):
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"] == "Files cannot be sent to this endpoint"
    assert store.files == {}


async def test_handler_errors_keep_the_envelope_for_form_bodies(http):
    """Converting the body must not lose Litestar's per-request state (its exception
    handlers): a 404 from the handler is the API's 404, not a 500."""
    for body in ({"data": {"fail": "not_found"}}, {"files": {"fail": (None, "not_found")}}):
        response = await http.post("/send", **body)
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND"


async def test_the_route_body_limit_applies_to_forms(http, store):
    response = await http.post(
        "/send", files={"attachments": ("big.txt", b"x" * 8192, "text/plain")}
    )
    assert response.status_code == 413
    assert store.files == {}
