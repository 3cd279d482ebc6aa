"""The OpenAPI document, finished in one place.

Litestar builds the document from the route handlers; :func:`finish` then makes it say what
the API really does, for every route at once:

* every operation lists the error statuses any route can answer (400, 401, 403, 404, 409,
  429, 503, and 413 when it takes a body), all in the error envelope, replacing Litestar's
  own 400 shape (`ValidationException`), which the API never sends;
* the success envelope of handlers that answer no data declares ``data: null``;
* routes that take form bodies (``FormAsJson``/``FormWithFiles``) declare
  ``multipart/form-data`` with their fields and their file fields;
* an alias path says which canonical path it is an alias of (``x-alias-of``);
* request and response examples declared on a handler (``opt=described(...)``) are added;
* tags are ordered by the journey a front-end follows: Auth first, Admin last.

Handlers declare what only they know through :func:`described` in their ``opt``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any

from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI
from litestar.routes import HTTPRoute

from kwika.core.envelope import errors
from kwika.core.forms import FormAsJson

OPT_KEY = "kwika.openapi"
ERROR_SCHEMA = "#/components/schemas/ErrorEnvelope"
# Statuses any route can answer: bad input, a bad token on any route, roles, unknown ids,
# duplicates, rate limits and a dependency being down (PRODUCT.md, api-conventions.md).
COMMON_ERRORS = (400, 401, 403, 404, 409, 429, 503)
BODY_ERRORS = (413,)

# The order a front-end meets the resources in. Tags not named here come after these and
# before the staff ("Admin: ...") tags, which always come last.
JOURNEY = (
    "Auth",
    "Users",
    "Settings: security",
    "References",
    "Uploads",
    "Providers",
    "Verification",
    "Business phones",
    "Companies",
    "Catalogues",
    "Services",
    "Experiences",
    "Guides",
    "Promotions",
    "Discovery",
    "Messages",
    "Notifications",
    "Health",
)
ADMIN_PREFIX = "Admin"


def described(
    *,
    canonical: str | None = None,
    alias_of: str | None = None,
    request: Any = None,
    response: Any = None,
    message: str = "OK",
) -> dict[str, Any]:
    """OpenAPI facts only the handler knows, for its ``opt``.

    ``canonical``: of a handler served at several paths, the path (as in the decorator)
    the others are aliases of; ``"GET /path"`` when it serves several methods.
    ``alias_of``: this handler is an alias of another route with the same method (path as
    in the document, without ``/api/v1``; ``"GET /path"`` for another method).
    ``request``: an example JSON body. ``response``: an example of the success envelope's
    ``data``, answered with ``message``.
    """
    facts: dict[str, Any] = {}
    if canonical is not None:
        facts["canonical"] = canonical
    if alias_of is not None:
        facts["alias_of"] = alias_of
    if request is not None:
        facts["request"] = request
    if response is not None:
        facts["response"] = {"success": True, "message": message, "data": response}
    return {OPT_KEY: facts}


class KwikaOpenAPIConfig(OpenAPIConfig):
    """Litestar's OpenAPI configuration whose document is finished by :func:`finish` once
    the application is known (:meth:`attach`)."""

    _routes: Callable[[], Iterable[Any]] | None = None
    prefix: str = ""

    def attach(self, routes: Callable[[], Iterable[Any]], prefix: str) -> None:
        self._routes = routes
        self.prefix = prefix

    def to_openapi_schema(self) -> OpenAPI:
        base = super().to_openapi_schema()
        document = _Document(**{f.name: getattr(base, f.name) for f in fields(base)})
        document.finisher = lambda schema: finish(
            schema, handlers_by_operation(self._routes() if self._routes else []), self.prefix
        )
        return document


class _Document(OpenAPI):
    finisher: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def to_schema(self) -> dict[str, Any]:
        schema = super().to_schema()
        return self.finisher(schema) if self.finisher else schema


def handlers_by_operation(routes: Iterable[Any]) -> dict[tuple[str, str], HTTPRouteHandler]:
    """(path as in the document, lower-case method) -> the handler serving it."""
    found: dict[tuple[str, str], HTTPRouteHandler] = {}
    for route in routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                found[(route.path_format or "/", method.lower())] = handler
    return found


def finish(
    schema: dict[str, Any], handlers: dict[tuple[str, str], HTTPRouteHandler], prefix: str
) -> dict[str, Any]:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    _null_data(schemas)
    siblings: dict[tuple[int, str], list[str]] = {}
    for (path, method), route_handler in handlers.items():
        siblings.setdefault((id(route_handler), method), []).append(path)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            handler = handlers.get((path, method))
            _error_responses(operation)
            if handler is None:
                continue
            facts = handler.opt.get(OPT_KEY, {})
            _form_body(operation, handler, schemas)
            _alias(operation, path, method, siblings[(id(handler), method)], facts, prefix)
            _examples(operation, facts)
    schema["tags"] = _ordered_tags(schema)
    return schema


def _error_responses(operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    codes = COMMON_ERRORS + (BODY_ERRORS if "requestBody" in operation else ())
    declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
    envelope = {"application/json": {"schema": {"$ref": ERROR_SCHEMA}}}
    for code in sorted({*codes, *declared}):
        existing = responses.get(str(code))
        spec = errors(code).get(code)
        if existing is None or _is_litestar_default(existing):
            responses[str(code)] = {
                "description": spec.description if spec else "Request failed",
                "content": envelope,
            }
        else:
            # A route's own answer (an HTML page) stays; the envelope can come too (a
            # missing parameter is refused before the handler runs).
            content = existing.setdefault("content", {})
            content.setdefault("application/json", envelope["application/json"])


def _is_litestar_default(response: dict[str, Any]) -> bool:
    """Litestar's ValidationException shape (``status_code``, ``detail``, ``extra``)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return {"status_code", "detail"} <= set(schema.get("properties", {}))


def _null_data(schemas: dict[str, Any]) -> None:
    """Handlers typed ``Envelope[None]`` answer ``"data": null``."""
    for name, component in schemas.items():
        if name.startswith("Envelope_") and name.endswith("NoneType_"):
            component.setdefault("properties", {})["data"] = {"type": "null"}


def _form_middleware(handler: HTTPRouteHandler) -> FormAsJson | None:
    for middleware in handler.resolve_middleware():
        if isinstance(middleware, FormAsJson):
            return middleware
    return None


def _form_body(
    operation: dict[str, Any], handler: HTTPRouteHandler, schemas: dict[str, Any]
) -> None:
    form = _form_middleware(handler)
    body = operation.get("requestBody")
    if form is None or not body or "application/json" not in body.get("content", {}):
        return
    json_schema = body["content"]["application/json"].get("schema", {})
    files = form.file_fields()
    properties: dict[str, Any] = {}
    required: list[str] = []
    resolved = _resolve(json_schema, schemas)
    if resolved.get("type") == "object" and "properties" in resolved:
        properties = copy.deepcopy(resolved["properties"])
        required = list(resolved.get("required", []))
        form_schema: dict[str, Any] = {"type": "object", "properties": properties}
    else:
        form_schema = {"allOf": [json_schema, {"type": "object", "properties": properties}]}
    binary = {"type": "string", "format": "binary"}
    for name, most in files.items():
        described_as = "A file" if most == 1 else f"Files (up to {most})" if most else "Files"
        properties[name] = (
            {**binary, "description": described_as}
            if most == 1
            else {"type": "array", "items": binary, "description": described_as}
        )
    if required:
        form_schema["required"] = required
    body["content"]["multipart/form-data"] = {"schema": form_schema}


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return schemas.get(ref.rsplit("/", 1)[1], {})
    return schema


def _alias(
    operation: dict[str, Any],
    path: str,
    operation_method: str,
    siblings: list[str],
    facts: dict[str, Any],
    prefix: str,
) -> None:
    """``siblings``: the document paths the same handler serves with this method."""
    method = operation_method
    target = None
    if facts.get("alias_of"):
        method, _, alias_of = facts["alias_of"].rpartition(" ")
        method = method or operation_method
        target = prefix + alias_of
    elif facts.get("canonical", "").rpartition(" ")[0].lower() not in ("", operation_method):
        # "GET /login" on a handler serving GET and POST at one path: POST is the alias.
        method, target = facts["canonical"].split(" ")[0], path
    elif facts.get("canonical") and len(siblings) > 1:
        suffix = _as_format(facts["canonical"].rpartition(" ")[2].rstrip("/"))
        matches = [p for p in siblings if p.endswith(suffix)] if suffix else []
        canonical = matches[0] if matches else min(siblings, key=len)
        target = canonical if canonical != path else None
    if target is None:
        return
    operation["x-alias-of"] = f"{method.upper()} {target}"
    note = f"Alias of `{method.upper()} {target}`: the same operation, kept for older clients."
    description = operation.get("description")
    operation["description"] = f"{note}\n\n{description}" if description else note
    operation["deprecated"] = False


def _as_format(path: str) -> str:
    """``/messages/{conversation_id:str}`` as the document writes it."""
    return "/".join(p.split(":")[0] + "}" if ":" in p else p for p in path.split("/"))


def _examples(operation: dict[str, Any], facts: dict[str, Any]) -> None:
    if "request" in facts and "requestBody" in operation:
        content = operation["requestBody"].get("content", {})
        for media_type in ("application/json", "multipart/form-data"):
            if media_type in content:
                content[media_type]["examples"] = {"example": {"value": facts["request"]}}
    if "response" in facts:
        success = sorted(code for code in operation["responses"] if code.startswith("2"))
        if success:
            target = operation["responses"][success[0]].setdefault("content", {})
            if "application/json" in target:
                target["application/json"]["examples"] = {"example": {"value": facts["response"]}}


def _ordered_tags(schema: dict[str, Any]) -> list[dict[str, Any]]:
    used = {
        tag
        for item in schema.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
        for tag in operation.get("tags", [])
    }
    tags = [tag for tag in schema.get("tags", []) if tag["name"] in used]

    def rank(tag: dict[str, Any]) -> tuple[int, int]:
        name = tag["name"]
        if name.startswith(ADMIN_PREFIX):
            return (2, 0)
        if name in JOURNEY:
            return (0, JOURNEY.index(name))
        return (1, 0)

    return sorted(tags, key=rank)
