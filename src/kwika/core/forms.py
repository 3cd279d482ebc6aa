"""Routes that take JSON can also take form fields (seed 003 sends some bodies as
multipart/form-data). These route-level middlewares turn a form body into the equivalent JSON
before the handler's schema validates it; :class:`FormWithFiles` also keeps the files a route
expects (``images``, ``document``) aside for the handler (:func:`uploaded_files`)."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from kwika.core.errors import FieldError, ValidationFailed

FORM_TYPES = (b"multipart/form-data", b"application/x-www-form-urlencoded")


def _content_type(scope: Scope) -> bytes:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return value.split(b";")[0].strip().lower()
    return b""


FILES_STATE_KEY = "kwika.uploaded_files"


def form_to_dict(
    items: list[tuple[str, Any]], keep_files: dict[str, list[UploadFile]] | None = None
) -> dict[str, Any]:
    """Form items as a JSON-like dict. Files whose field is a key of ``keep_files`` are
    collected there; any other file is a 400 on its field."""
    data: dict[str, Any] = {}
    files = []
    for key, value in items:
        if isinstance(value, UploadFile):
            name = key[:-2] if key.endswith("[]") else key
            if keep_files is not None and name in keep_files:
                keep_files[name].append(value)
            else:
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
    # File fields the route takes; any other file is refused.
    file_fields: tuple[str, ...] = ()

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if _content_type(scope) not in FORM_TYPES:
            await next_app(scope, receive, send)
            return
        form = await Request(scope, receive).form()
        kept: dict[str, list[UploadFile]] = {name: [] for name in self.file_fields}
        body = json.dumps(form_to_dict(list(form.multi_items()), kept if kept else None)).encode()
        headers = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")
        ]
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        scope = {**scope, "headers": headers}  # type: ignore[misc]
        # Litestar caches the parsed body and headers on the scope state: forget them so the
        # JSON body is read. (Dropping the whole state would also lose the exception
        # handlers, and an error raised by the handler would then fail to render.)
        state = ScopeState.from_scope(scope)
        for cached in ("body", "form", "json", "content_type", "headers"):
            setattr(state, cached, Empty)
        if kept:
            scope.setdefault("state", {})[FILES_STATE_KEY] = kept
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            await next_app(scope, replay, send)
        finally:
            # The files were parsed here, not by Litestar: close their spooled temp files.
            for files in kept.values():
                for upload in files:
                    await upload.close()


class FormWithFiles(FormAsJson):
    """:class:`FormAsJson` for routes that take files too (seed 003 7.3: service fields and
    ``images`` in one multipart body). The handler validates the other fields as JSON and
    reads the files with :func:`uploaded_files`; a JSON body simply has no files."""

    def __init__(self, *file_fields: str) -> None:
        self.file_fields = file_fields


def uploaded_files(request: Request[Any, Any, Any], name: str) -> list[UploadFile]:
    """The files sent under ``name`` (``name`` or ``name[]``) to a :class:`FormWithFiles`
    route, in the order sent; empty for JSON bodies."""
    kept: dict[str, list[UploadFile]] = request.scope.get("state", {}).get(FILES_STATE_KEY, {})
    return list(kept.get(name, []))
