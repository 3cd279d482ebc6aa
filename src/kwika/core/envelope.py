"""The success and error envelopes of the API contract (PRODUCT.md)."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from litestar.openapi import ResponseSpec
from pydantic import BaseModel, Field

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    success: Literal[True] = True
    message: str
    data: T


class ErrorItem(BaseModel):
    field: str = Field(description="Field name in snake_case, dotted for nested fields")
    message: str


class ErrorEnvelope(BaseModel):
    success: Literal[False] = False
    message: str
    code: str = Field(description="Stable UPPER_SNAKE error code", examples=["VALIDATION_FAILED"])
    errors: list[ErrorItem] | None = None
    data: dict[str, Any] | None = None


# Parametrised once: ``Envelope[X]`` per call costs a class lookup on every request, and
# the fields are ours (nothing to validate), so responses are built without validation.
_ANY_ENVELOPE = Envelope[Any]


def ok(data: T, message: str = "OK") -> Envelope[T]:
    envelope: Envelope[T] = _ANY_ENVELOPE.model_construct(success=True, message=message, data=data)
    return envelope


_DESCRIPTIONS = {
    400: "Validation failed (`VALIDATION_FAILED`, one entry per bad field) or a bad request",
    401: "Missing, invalid, expired or revoked access token",
    403: "Authenticated but not allowed",
    404: "Not found (also for malformed ids and objects you may not see)",
    409: "Duplicate or state conflict",
    410: "Past a deadline",
    413: "Request body too large",
    429: "Rate limited; see `Retry-After` and `data.retry_after`",
    503: "A dependency (MongoDB, Redis, broker) is unavailable",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI error responses for a route, all in the error envelope."""
    return {
        code: ResponseSpec(
            data_container=ErrorEnvelope, description=_DESCRIPTIONS[code], generate_examples=False
        )
        for code in sorted({400, *codes})
    }
