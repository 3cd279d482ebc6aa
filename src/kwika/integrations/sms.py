"""SMS through Africa's Talking's messaging API."""

from __future__ import annotations

import httpx

from kwika.config import SmsSettings
from kwika.integrations.base import (
    DeliveryError,
    OutgoingMessage,
    classify_http_status,
    malformed_reply,
    reply_object,
)

PROVIDER = "Africa's Talking"

# Per-recipient statuses Africa's Talking documents as final failures.
_PERMANENT = {"InvalidPhoneNumber", "UnsupportedNumberType", "UserInBlacklist", "InvalidSenderId"}


class AfricasTalkingSms:
    def __init__(self, config: SmsSettings, timeout: float = 15.0) -> None:
        if config.africastalking_api_key is None:
            raise ValueError("KWIKA_SMS__AFRICASTALKING_API_KEY is required for Africa's Talking")
        self.config = config
        self.api_key = config.africastalking_api_key.get_secret_value()
        self.timeout = timeout

    async def send(self, message: OutgoingMessage) -> str | None:
        form = {
            "username": self.config.africastalking_username,
            "to": message.to,
            "message": message.body,
        }
        if self.config.sender_id:
            form["from"] = self.config.sender_id
        url = f"{self.config.africastalking_base_url.rstrip('/')}/version1/messaging"
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(
                    url, data=form, headers={"apiKey": self.api_key, "Accept": "application/json"}
                )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{PROVIDER} unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise classify_http_status(PROVIDER, response.status_code, response.text)
        return _message_id(response)


def _message_id(response: httpx.Response) -> str | None:
    """The first recipient's message id, or why it was not sent."""
    summary = reply_object(PROVIDER, response).get("SMSMessageData")
    recipients = summary.get("Recipients") if isinstance(summary, dict) else None
    if not isinstance(recipients, list):
        raise malformed_reply(PROVIDER, response, "a reply without SMSMessageData.Recipients")
    if not recipients:
        raise DeliveryError(f"{PROVIDER} accepted no recipient: {response.text[:300]}")
    first = recipients[0]
    if not isinstance(first, dict):
        raise malformed_reply(PROVIDER, response, "an unreadable recipient")
    status = str(first.get("status"))
    if status != "Success":
        raise DeliveryError(f"{PROVIDER}: {status}", permanent=status in _PERMANENT)
    message_id = first.get("messageId")
    return str(message_id) if message_id else None
