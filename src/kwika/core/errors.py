"""Typed errors. Services raise these; ``core.exception_handlers`` maps them to the envelope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class AppError(Exception):
    status_code = 400
    code = "BAD_REQUEST"
    default_message = "Bad request"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.errors = errors or []
        self.data = data
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(AppError):
    pass


class ValidationFailed(AppError):
    code = "VALIDATION_FAILED"
    default_message = "Validation failed"

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls(errors=[FieldError(field, message)])


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    default_message = "Authentication required"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"
    default_message = "You are not allowed to do this"


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    default_message = "Not found"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"
    default_message = "Conflict"


class Gone(AppError):
    status_code = 410
    code = "GONE"
    default_message = "This is no longer available"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    default_message = "Request body is too large"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"
    default_message = "Too many requests. Please try again later."

    def __init__(self, retry_after: int, message: str | None = None, **kwargs: Any) -> None:
        retry_after = max(1, int(retry_after))
        data = {"retry_after": retry_after, **(kwargs.pop("data", None) or {})}
        headers = {"Retry-After": str(retry_after)}
        super().__init__(message, data=data, headers=headers, **kwargs)
        self.retry_after = retry_after


class DependencyUnavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    default_message = "A service this request depends on is unavailable"

    def __init__(self, dependency: str, message: str | None = None) -> None:
        super().__init__(
            message or f"{dependency} is unavailable, please retry shortly",
            data={"dependency": dependency},
            headers={"Retry-After": "5"},
        )
        self.dependency = dependency
