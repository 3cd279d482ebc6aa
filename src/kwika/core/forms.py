"""Routes that take JSON can also take form fields (seed 003 sends some bodies as
multipart/form-data). This route-level middleware turns a form body into the equivalent JSON
before the handler's schema validates it.

A route may also declare **file fields** (seed 003 11.3: ``attachments`` as ``file[]``).
File parts in those fields are handed to a :class:`FileField`'s ``store`` callback, which a
module supplies (core imports no module), with the authenticated principal as owner; the
field then carries the ids the callback returned (files in the order they came) together
with any ids sent as plain values, always as a list. When the request then fails (any
status >= 400, or an error), ``discard`` is called for every file stored, so a refused
request keeps nothing.

    FormAsJson(files={"attachments": FileField(store=..., discard=..., max_files=5)})

:class:`FormWithFiles` instead keeps the files of named fields aside for the handler
(``images``, ``document``), which reads them with :func:`uploaded_files`: for routes whose
service decides per file (seed 003 7.3: service fields and ``images`` in one body).

Bodies are limited by the route's ``request_max_body_size``; each file's own limit is the
callback's business. A form may hold at most ``MAX_FORM_FIELDS`` fields and parts, and a
field that is not a file at most ``MAX_FIELD_BYTES`` (413 ``TOO_MANY_FIELDS`` /
``FIELD_TOO_LARGE``). On a route with guards the guards run *before* the body is read, so a
caller without a valid token gets its 401 without the server parsing anything (issue 11).
Multipart bodies are parsed incrementally as they arrive (bounded work per chunk); a large
urlencoded body is parsed in a worker thread, never on the event loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread
from bson import ObjectId
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send
from litestar.types.empty import Empty
from litestar.utils.scope.state import ScopeState
from multipart import (  # type: ignore[import-untyped]  # Litestar's own multipart parser
    MultipartSegment,
    ParserError,
    ParserLimitReached,
    PushMultipartParser,
)

from kwika.core.errors import (
    BadRequest,
    FieldError,
    PayloadTooLarge,
    Unauthorized,
    ValidationFailed,
)

log = logging.getLogger(__name__)

FORM_TYPES = (b"multipart/form-data", b"application/x-www-form-urlencoded")
FILES_STATE_KEY = "kwika.uploaded_files"

# The largest legitimate form (a service with its packages and images) has well under a
# hundred fields; the longest text field accepts 8,192 characters.
MAX_FORM_FIELDS = 300
MAX_FIELD_BYTES = 64 * 1024
# Urlencoded bodies above this are parsed in a worker thread.
_THREAD_PARSE_BYTES = 64 * 1024

# (owner id, the uploaded part, the field name for errors, e.g. "attachments.2") -> file id
StoreFile = Callable[[ObjectId, UploadFile, str], Awaitable[str]]
DiscardFile = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class FileField:
    """How a route receives the file parts of one form field."""

    store: StoreFile
    discard: DiscardFile | None = None
    max_files: int = 1


def _content_type(scope: Scope) -> bytes:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return value.split(b";")[0].strip().lower()
    return b""


def _field_name(key: str) -> str:
    return key[:-2] if key.endswith("[]") else key


def _is_empty_part(upload: UploadFile) -> bool:
    """Browsers send an unnamed, empty part for a file input left empty."""
    if upload.filename:
        return False
    file = upload.file
    position = file.tell()
    file.seek(0, 2)
    empty = file.tell() == 0
    file.seek(position)
    return empty


def form_to_dict(items: list[tuple[str, Any]], list_fields: frozenset[str] = frozenset()) -> dict:
    """Form items as a JSON object: repeated keys (or ``name[]``) become lists, and so does
    every field in ``list_fields`` (file fields), even with one value."""
    data: dict[str, Any] = {}
    files = []
    for key, value in items:
        if isinstance(value, UploadFile):
            files.append(FieldError(key, "Files cannot be sent to this endpoint"))
            continue
        name = _field_name(key)
        if name in list_fields:
            values = data.setdefault(name, [])
            if value != "":  # an empty file input (browsers send it with no name)
                values.append(value)
        elif name in data or key.endswith("[]"):
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
    # Fields whose files are kept for the handler (FormWithFiles); any other file is refused.
    keep: tuple[str, ...] = ()

    def __init__(self, files: Mapping[str, FileField] | None = None) -> None:
        self.files = dict(files or {})

    def file_fields(self) -> dict[str, int | None]:
        """The form's file fields for the OpenAPI document: name -> most files per request
        (``None`` when the service decides)."""
        return {
            **{name: field.max_files for name, field in self.files.items()},
            **dict.fromkeys(self.keep),
        }

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if _content_type(scope) not in FORM_TYPES:
            await next_app(scope, receive, send)
            return
        await _authorize(scope, receive)
        kept, rest = self._set_aside(await read_form(Request(scope, receive)))
        stored: list[tuple[FileField, str]] = []
        try:
            items = await self._store_files(scope, rest, stored)
            body = json.dumps(form_to_dict(items, frozenset(self.files))).encode()
        except BaseException:
            await _discard(stored)
            await _close_uploads([(name, f) for name, files in kept.items() for f in files])
            raise
        finally:
            await _close_uploads(rest)
        scope, replay = _as_json_request(scope, body)
        if self.keep:
            scope.setdefault("state", {})[FILES_STATE_KEY] = kept
        try:
            await self._forward(scope, replay, send, next_app, stored)
        finally:
            # Kept files were parsed here, not by Litestar: close their spooled temp files.
            await _close_uploads([(name, f) for name, files in kept.items() for f in files])

    def _set_aside(
        self, items: list[tuple[str, Any]]
    ) -> tuple[dict[str, list[UploadFile]], list[tuple[str, Any]]]:
        kept: dict[str, list[UploadFile]] = {name: [] for name in self.keep}
        rest = []
        for key, value in items:
            name = _field_name(key)
            if isinstance(value, UploadFile) and name in kept:
                if not _is_empty_part(value):
                    kept[name].append(value)
            else:
                rest.append((key, value))
        return kept, rest

    async def _forward(
        self,
        scope: Scope,
        replay: Receive,
        send: Send,
        next_app: ASGIApp,
        stored: list[tuple[FileField, str]],
    ) -> None:
        if not stored:
            await next_app(scope, replay, send)
            return

        async def send_or_discard(message: Message) -> None:
            # Before the client hears of the failure, so it never sees files it was refused.
            if message["type"] == "http.response.start" and message["status"] >= 400:
                await _discard(stored)
                stored.clear()
            await send(message)

        try:
            await next_app(scope, replay, send_or_discard)
        except BaseException:
            await _discard(stored)
            raise

    async def _store_files(
        self, scope: Scope, items: list[tuple[str, Any]], stored: list[tuple[FileField, str]]
    ) -> list[tuple[str, Any]]:
        """The form items with each file part of a file field replaced by its stored id
        (empty parts dropped). Stored ids are added to ``stored`` as they are made."""
        uploads = {
            n
            for n, (key, value) in enumerate(items)
            if isinstance(value, UploadFile) and _field_name(key) in self.files
        }
        if not uploads:
            return items
        real = {n for n in uploads if not _is_empty_part(items[n][1])}
        self._check_counts([_field_name(items[n][0]) for n in sorted(real)])
        principal = scope.get("user")
        if real and principal is None:
            raise Unauthorized()
        out: list[tuple[str, Any]] = []
        counts: dict[str, int] = {}
        for n, (key, value) in enumerate(items):
            name = _field_name(key)
            if n in uploads and n not in real:
                continue
            index = counts[name] = counts.get(name, -1) + 1
            if n in real:
                field = self.files[name]
                value = await field.store(principal.id, value, f"{name}.{index}")
                stored.append((field, value))
            out.append((key, value))
        return out

    def _check_counts(self, names: list[str]) -> None:
        errors = []
        for name, field in self.files.items():
            if names.count(name) > field.max_files:
                noun = "file" if field.max_files == 1 else "files"
                errors.append(FieldError(name, f"At most {field.max_files} {noun}"))
        if errors:
            raise ValidationFailed(errors=errors)


async def _authorize(scope: Scope, receive: Receive) -> None:
    """Run the route's guards before the body is read: an anonymous caller must not make
    the server parse (or even receive) a large form only to be told 401."""
    handler = scope.get("route_handler")
    if handler is None:
        return
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope, receive)
    for guard in handler.resolve_guards():
        result = guard(connection, handler)
        if isawaitable(result):
            await result


def _too_many_fields() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"A form may have at most {MAX_FORM_FIELDS} fields", code="TOO_MANY_FIELDS"
    )


def _field_too_large(name: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        "A form field is too large",
        code="FIELD_TOO_LARGE",
        errors=[FieldError(name, f"At most {MAX_FIELD_BYTES} bytes in a form field")],
    )


def _text(name: str, raw: bytes | bytearray, charset: str | None = None) -> str:
    try:
        return bytes(raw).decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise ValidationFailed.single(
            name, "Not valid UTF-8 text; send a file part with a file name instead"
        ) from None


async def read_form(request: Request[Any, Any, Any]) -> list[tuple[str, Any]]:
    """The form items of a multipart or urlencoded body, in the order sent, within the
    field and size limits. File parts are :class:`UploadFile` s the caller closes."""
    content_type, options = request.content_type
    if content_type == "multipart/form-data":
        boundary = options.get("boundary")
        if not boundary:
            raise BadRequest("multipart boundary missing in Content-Type", code="MALFORMED_FORM")
        return await _read_multipart(request, boundary.encode())
    return await _read_urlencoded(await request.body())


def _parse_urlencoded(raw: bytes) -> list[tuple[str, str]]:
    if raw.count(b"&") >= MAX_FORM_FIELDS:
        raise _too_many_fields()
    try:
        # Blank values are dropped, as Litestar's own parser did.
        pairs = parse_qsl(raw.decode("utf-8"), errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("The form is not valid UTF-8", code="MALFORMED_FORM") from None
    for name, value in pairs:
        if len(value) > MAX_FIELD_BYTES:
            raise _field_too_large(name)
    return pairs


async def _read_urlencoded(raw: bytes) -> list[tuple[str, Any]]:
    if len(raw) <= _THREAD_PARSE_BYTES:
        return list(_parse_urlencoded(raw))
    return list(await anyio.to_thread.run_sync(_parse_urlencoded, raw))


async def _read_multipart(
    request: Request[Any, Any, Any], boundary: bytes
) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    segment: MultipartSegment | None = None
    value: UploadFile | bytearray = bytearray()
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_FORM_FIELDS + 1) as parser:
            stream = request.stream()
            while not parser.closed:
                chunk = await anext(stream, b"")
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        if len(items) >= MAX_FORM_FIELDS:
                            raise _too_many_fields()
                        segment = event
                        value = (
                            UploadFile(
                                content_type=event.content_type or "application/octet-stream",
                                filename=event.filename,
                                headers=dict(event.headerlist),
                            )
                            if event.filename
                            else bytearray()
                        )
                    elif event:
                        if isinstance(value, UploadFile):
                            await value.write(event)
                        else:
                            value.extend(event)
                            if len(value) > MAX_FIELD_BYTES and segment is not None:
                                raise _field_too_large(segment.name)
                    elif segment is not None:
                        if isinstance(value, UploadFile):
                            await value.seek(0)
                            items.append((segment.name, value))
                        else:
                            items.append(
                                (segment.name, _text(segment.name, value, segment.charset))
                            )
                        value, segment = bytearray(), None
    except BaseException as exc:
        if isinstance(value, UploadFile):
            await value.close()
        await _close_uploads(items)
        if isinstance(exc, ParserLimitReached):
            raise _too_many_fields() from None
        if isinstance(exc, ParserError):
            raise BadRequest("The multipart form is malformed", code="MALFORMED_FORM") from None
        raise
    return items


def _as_json_request(scope: Scope, body: bytes) -> tuple[Scope, Receive]:
    """The same request carrying ``body`` as its JSON body."""
    headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")]
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = scope.copy()
    scope["headers"] = headers
    _forget_parsed_body(scope)
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, replay


# What Litestar caches about the request body on the scope (its connection state also holds
# the exception handlers, which must stay).
_BODY_STATE = ("body", "content_type", "form", "headers", "json", "msgpack")


def _forget_parsed_body(scope: Scope) -> None:
    """Drop the cached form so the handler reads the JSON body instead."""
    state = ScopeState.from_scope(scope)
    for name in _BODY_STATE:
        setattr(state, name, Empty)


async def _discard(stored: list[tuple[FileField, str]]) -> None:
    for field, file_id in stored:
        if field.discard is None:
            continue
        try:
            await field.discard(file_id)
        except Exception:
            # The file stays unclaimed; media's orphan sweep can remove it later.
            log.exception("could not discard file %s of a refused request", file_id)


async def _close_uploads(items: list[tuple[str, Any]]) -> None:
    for _, value in items:
        if isinstance(value, UploadFile):
            with contextlib.suppress(Exception):
                await value.close()


class FormWithFiles(FormAsJson):
    """:class:`FormAsJson` for routes that take files too and decide about them in the
    service: the files of ``file_fields`` are kept for the handler (:func:`uploaded_files`);
    a JSON body simply has none."""

    def __init__(self, *file_fields: str) -> None:
        super().__init__()
        self.keep = file_fields


def uploaded_files(request: Request[Any, Any, Any], name: str) -> list[UploadFile]:
    """The files sent under ``name`` (``name`` or ``name[]``) to a :class:`FormWithFiles`
    route, in the order sent; empty for JSON bodies."""
    kept: dict[str, list[UploadFile]] = request.scope.get("state", {}).get(FILES_STATE_KEY, {})
    return list(kept.get(name, []))
