"""The one place exceptions become the error envelope."""

from __future__ import annotations

import logging
import re
import types
from typing import Any, Literal, Union, get_args, get_origin

from beanie.exceptions import RevisionIdWasChanged
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    SerializationException,
    ValidationException,
)
from litestar.types import ExceptionHandlersMap
from pydantic.alias_generators import to_snake
from pymongo.errors import ConnectionFailure, DuplicateKeyError, ServerSelectionTimeoutError

from kwika.core.errors import AppError, DependencyUnavailable, FieldError
from kwika.core.redis import REDIS_DOWN

log = logging.getLogger("kwika.errors")

_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}

_FRIENDLY = {
    "Field required": "This field is required",
    "Missing required field": "This field is required",
}


def envelope(
    status: int,
    message: str,
    code: str,
    errors: list[FieldError] | None = None,
    data: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"success": False, "message": message, "code": code}
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    if data:
        body["data"] = data
    return Response(body, status_code=status, headers=headers, media_type=MediaType.JSON)


def _app_error(_: Request[Any, Any, Any], exc: AppError) -> Response[dict[str, Any]]:
    return envelope(exc.status_code, exc.message, exc.code, exc.errors, exc.data, exc.headers)


def _field_name(key: str) -> str:
    return ".".join(to_snake(part) for part in key.split(".")) if key else "body"


def _message(text: str) -> str:
    text = text.removeprefix("Value error, ")
    return _FRIENDLY.get(text, text)


def _validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    if not isinstance(exc.extra, list) or not exc.extra:
        detail = str(exc.detail or "")
        if "JSON is malformed" in detail or "decode" in detail.lower():
            return envelope(400, "Request body is not valid JSON", "MALFORMED_JSON")
        return envelope(400, "Validation failed", "VALIDATION_FAILED")
    errors = [
        _choice_error(request, item) or _field_error(item)
        for item in exc.extra
        if isinstance(item, dict)
    ]
    return envelope(400, "Validation failed", "VALIDATION_FAILED", errors)


def _literal_values(annotation: Any) -> list[Any]:
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType):
        return [v for arg in get_args(annotation) for v in _literal_values(arg)]
    return []


def _choice_error(request: Request[Any, Any, Any], item: dict[str, Any]) -> FieldError | None:
    """A query or path parameter typed ``Literal[...]`` names the values it takes (Litestar
    only says "Invalid enum value"), whether the handler or one of its dependencies (search
    criteria built from query parameters) declares it."""
    key = str(item.get("key", ""))
    if not str(item.get("message", "")).startswith("Invalid enum value"):
        return None
    try:
        handler = request.route_handler
        signatures = [handler.parsed_fn_signature] + [
            provider.parsed_fn_signature for provider in handler.resolve_dependencies().values()
        ]
    except AttributeError:
        return None
    for signature in signatures:
        for name, definition in signature.parameters.items():
            kwarg = definition.kwarg_definition
            aliases = {name, getattr(kwarg, "query", None), getattr(kwarg, "header", None)}
            if key in aliases:
                values = _literal_values(definition.annotation)
                if values:
                    return FieldError(key, f"Use one of: {', '.join(str(v) for v in values)}")
    return None


_NOT_AN_OBJECT = re.compile(r"^Input should be a valid dictionary or instance of \w+$")


def _field_error(item: dict[str, Any]) -> FieldError:
    key, text = str(item.get("key", "")), str(item.get("message", ""))
    if key == "data" and text == "'data'":
        # Litestar's words for a request without the body the route declares.
        return FieldError("body", "A request body is required")
    if _NOT_AN_OBJECT.match(text):
        return FieldError(_field_name(key), "Send a JSON object")
    return FieldError(_field_name(key), _message(text))


def _not_found(_: Request[Any, Any, Any], exc: NotFoundException) -> Response[dict[str, Any]]:
    return envelope(404, "API route not found", "ROUTE_NOT_FOUND")


def _malformed_json() -> Response[dict[str, Any]]:
    return envelope(400, "Request body is not valid JSON", "MALFORMED_JSON")


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status == 400 and isinstance(exc.__cause__, SerializationException):
        # Litestar's words for any undecodable body ("Input data was truncated", ...).
        return _malformed_json()
    if status == 413:
        message = "Request body is too large"
    elif status == 405:
        message = "Method not allowed on this route"
    elif status == 400 and "JSON is malformed" in str(exc.detail):
        return envelope(400, "Request body is not valid JSON", "MALFORMED_JSON")
    else:
        message = str(exc.detail) if exc.detail else "Request failed"
    headers = dict(exc.headers or {})
    return envelope(status, message, _CODES.get(status, f"HTTP_{status}"), headers=headers)


_DUP_FIELD = re.compile(r"index: (?:\w+_)?(\w+?)_\d+ dup key|dup key: \{ (\w+):")


def _duplicate_field(exc: Exception) -> str | None:
    details = getattr(exc, "details", None) or {}
    pattern = details.get("keyPattern") or details.get("keyValue")
    if isinstance(pattern, dict) and pattern:
        return ",".join(str(k) for k in pattern)
    match = _DUP_FIELD.search(str(exc))
    return (match.group(1) or match.group(2)) if match else None


def _duplicate(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    field = _duplicate_field(exc)
    errors = [FieldError(field, f"{field} is already in use")] if field else None
    return envelope(409, "Already exists", "DUPLICATE", errors)


def _redis_down(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("redis unavailable: %s", exc, extra=_context(request))
    return _app_error(request, DependencyUnavailable("redis"))


def _mongo_down(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("mongodb unavailable: %s", exc, extra=_context(request))
    return _app_error(request, DependencyUnavailable("mongodb"))


def _context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    state = request.scope.get("state", {})
    principal = request.scope.get("user")
    return {
        "request_id": state.get("request_id"),
        "client_ip": state.get("client_ip"),
        "method": request.method,
        "path": request.url.path,
        "principal": f"{principal.kind}:{principal.id}" if principal else None,
    }


def _raised_decoding_the_body(exc: BaseException) -> bool:
    """Whether ``exc`` escaped Litestar's JSON decoder, which lets a too-deep document
    (RecursionError) and bytes that are not UTF-8 (UnicodeDecodeError) through unwrapped."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "decode_json":
            return True
        tb = tb.tb_next
    return False


def _undecodable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if _raised_decoding_the_body(exc):
        return _malformed_json()
    if isinstance(exc, UnicodeDecodeError):
        # Litestar decodes multipart text fields as UTF-8 and lets the error through.
        return envelope(400, "A text field of the request is not valid UTF-8", "BAD_REQUEST")
    return _unexpected(request, exc)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error", exc_info=exc, extra=_context(request))
    return envelope(500, "Internal server error", "INTERNAL_ERROR")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    AppError: _app_error,
    ValidationException: _validation,
    NotFoundException: _not_found,
    MethodNotAllowedException: _http,
    HTTPException: _http,
    DuplicateKeyError: _duplicate,
    RevisionIdWasChanged: _duplicate,
    UnicodeDecodeError: _undecodable,
    **dict.fromkeys(REDIS_DOWN, _redis_down),
    ServerSelectionTimeoutError: _mongo_down,
    ConnectionFailure: _mongo_down,
    RecursionError: _undecodable,
    Exception: _unexpected,
}
