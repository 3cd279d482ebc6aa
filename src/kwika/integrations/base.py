"""What every outgoing-message adapter receives and may raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to: str
    body: str
    template: str
    subject: str | None = None
    html: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # Extra email headers (List-Unsubscribe); other channels ignore them.
    headers: dict[str, str] = field(default_factory=dict)


class DeliveryError(Exception):
    """The provider refused or failed; ``permanent`` means retrying cannot help.

    ``invalid_address`` means the address itself is dead (an unregistered push token), so
    the caller should stop using it.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, invalid_address: bool = False
    ) -> None:
        super().__init__(message)
        self.permanent = permanent or invalid_address
        self.invalid_address = invalid_address


class Sender(Protocol):
    async def send(self, message: OutgoingMessage) -> str | None:
        """Deliver the message; returns the provider's message id when it gives one."""
        ...


def classify_http_status(provider: str, status: int, text: str) -> DeliveryError:
    """4xx (except 408/429) will fail again; 5xx, 408 and 429 may succeed later."""
    permanent = 400 <= status < 500 and status not in (408, 429)
    return DeliveryError(f"{provider} answered {status}: {text[:300]}", permanent=permanent)


def malformed_reply(provider: str, response: httpx.Response, what: str) -> DeliveryError:
    """A reply that is not what the provider documents (a proxy's HTML page, a truncated
    body, a changed API): retryable, since the next attempt may reach the real service."""
    return DeliveryError(
        f"{provider} sent {what} (HTTP {response.status_code}): {response.text[:300]!r}"
    )


def reply_object(provider: str, response: httpx.Response) -> dict[str, Any]:
    """The JSON object a provider answered; anything else is a retryable ``DeliveryError``."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise malformed_reply(provider, response, "a reply that is not a JSON object")
    return payload


def error_object(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of a Google/Meta style error reply, or ``{}`` when there is none."""
    try:
        payload = response.json()
    except ValueError:
        return {}
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else {}
