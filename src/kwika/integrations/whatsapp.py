"""WhatsApp Business Cloud API (Meta Graph API): template messages, plain text as fallback.

Business-initiated messages must use approved templates (seed 003, 2026-02-19 changelog);
the caller puts ``{"whatsapp": {"template": name, "language": code, "parameters": [...]}}``
in the message data. Without it the body goes as plain text, which WhatsApp only delivers
inside the 24-hour window after the recipient last wrote to the business.
"""

from __future__ import annotations

from typing import Any

import httpx

from kwika.config import WhatsAppSettings
from kwika.integrations.base import DeliveryError, OutgoingMessage, error_object, reply_object

# Graph API error codes (error.code) that will not succeed on retry: invalid parameter,
# recipient cannot receive, outside the 24 h window, template missing/mismatched,
# recipient not allowed / not a WhatsApp user.
_PERMANENT_CODES = {
    100,
    131008,
    131009,
    131021,
    131026,
    131030,
    131047,
    131051,
    132000,
    132001,
    132005,
    132007,
    132012,
    132015,
    132016,
    133010,
}
# Throttling and temporary failures worth a retry with backoff.
_TRANSIENT_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


def whatsapp_number(phone: str) -> str:
    """The Cloud API wants the international number as digits, without ``+``."""
    return "".join(ch for ch in phone if ch.isdigit())


class WhatsAppCloud:
    def __init__(self, config: WhatsAppSettings) -> None:
        if not config.phone_number_id or config.access_token is None:
            raise ValueError(
                "KWIKA_WHATSAPP__PHONE_NUMBER_ID and KWIKA_WHATSAPP__ACCESS_TOKEN are required "
                "for the WhatsApp Cloud API"
            )
        self.config = config
        self.url = (
            f"{config.base_url.rstrip('/')}/{config.api_version}/{config.phone_number_id}/messages"
        )
        self.token = config.access_token.get_secret_value()

    def payload(self, message: OutgoingMessage) -> dict[str, Any]:
        base: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": whatsapp_number(message.to),
        }
        spec = message.data.get("whatsapp")
        if isinstance(spec, dict) and spec.get("template"):
            parameters = [{"type": "text", "text": str(p)} for p in spec.get("parameters", [])]
            template: dict[str, Any] = {
                "name": spec["template"],
                "language": {"code": spec.get("language") or self.config.template_language},
            }
            if parameters:
                template["components"] = [{"type": "body", "parameters": parameters}]
            return {**base, "type": "template", "template": template}
        return {**base, "type": "text", "text": {"preview_url": False, "body": message.body}}

    async def send(self, message: OutgoingMessage) -> str | None:
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout_seconds) as client:
                response = await client.post(
                    self.url,
                    json=self.payload(message),
                    headers={"Authorization": f"Bearer {self.token}"},
                )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"WhatsApp unreachable: {exc}") from exc
        if response.status_code == 200:
            return _message_id(reply_object("WhatsApp", response))
        raise _graph_error(response)


def _message_id(reply: dict[str, Any]) -> str | None:
    """``messages[0].id`` of a success; the reply is trusted even when it lacks one."""
    messages = reply.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else None
    message_id = first.get("id") if isinstance(first, dict) else None
    return str(message_id) if message_id else None


def _graph_error(response: httpx.Response) -> DeliveryError:
    error = error_object(response)
    code = error.get("code") if isinstance(error.get("code"), int) else None
    text = f"WhatsApp answered {response.status_code}: ({code}) {error.get('message', '')}"
    if code in _TRANSIENT_CODES or response.status_code >= 500 or response.status_code == 429:
        return DeliveryError(text)
    if code in _PERMANENT_CODES:
        return DeliveryError(text, permanent=True)
    # Unknown 4xx (bad token, missing permission): retrying the same request cannot help.
    return DeliveryError(text, permanent=400 <= response.status_code < 500)
