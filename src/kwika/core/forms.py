"""Routes that take JSON can also take form fields (seed 003 sends some bodies as
multipart/form-data). This route-level middleware turns a form body into the equivalent JSON
before the handler's schema validates it."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import CONNECTION_STATE_KEY

from kwika.core.errors import FieldError, ValidationFailed

FORM_TYPES = (b"multipart/form-data", b"application/x-www-form-urlencoded")


def _content_type(scope: Scope) -> bytes:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return value.split(b";")[0].strip().lower()
    return b""


def form_to_dict(items: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    files = []
    for key, value in items:
        if isinstance(value, UploadFile):
            files.append(FieldError(key, "Files cannot be sent to this endpoint"))
            continue
        name = key[:-2] if key.endswith("[]") else key
        if name in data or key.endswith("[]"):
            existing = data.get(name)
            data[name] = (
                [*existing, value]
                if isinstance(existing, list)
                else ([existing, value] if name in data else [value])
            )
        else:
            data[name] = value
    if files:
        raise ValidationFailed(errors=files)
    return data


class FormAsJson(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if _content_type(scope) not in FORM_TYPES:
            await next_app(scope, receive, send)
            return
        form = await Request(scope, receive).form()
        body = json.dumps(form_to_dict(list(form.multi_items()))).encode()
        headers = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")
        ]
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        scope = {**scope, "headers": headers}  # type: ignore[misc]
        # Litestar caches the parsed body on the scope: drop it so the JSON body is read.
        scope.get("state", {}).pop(CONNECTION_STATE_KEY, None)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await next_app(scope, replay, send)
