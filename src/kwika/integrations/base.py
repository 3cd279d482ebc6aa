"""What every outgoing-message adapter receives and may raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


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
