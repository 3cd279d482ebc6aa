"""The health module's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from kwika.core.errors import AppError


class NotReady(AppError):
    status_code = 503
    code = "NOT_READY"
    default_message = "Not ready: {failing} unavailable"

    def __init__(self, failing: list[str], checks: dict[str, str]) -> None:
        super().__init__(
            self.default_message.format(failing=", ".join(failing)),
            data={"failing": failing, "checks": checks},
        )
