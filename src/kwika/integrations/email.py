"""Email adapters: SMTP (aiosmtplib), SendGrid v3 and Resend over HTTP."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

import aiosmtplib
import httpx

from kwika.config import EmailSettings
from kwika.integrations.base import (
    DeliveryError,
    OutgoingMessage,
    classify_http_status,
    reply_object,
)


def _mime(message: OutgoingMessage, sender: str) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject or ""
    mime["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.body)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    return mime


class SmtpEmail:
    def __init__(self, config: EmailSettings) -> None:
        self.config = config

    async def send(self, message: OutgoingMessage) -> str | None:
        mime = _mime(message, self.config.from_address)
        password = self.config.smtp_password
        try:
            await aiosmtplib.send(
                mime,
                hostname=self.config.smtp_host,
                port=self.config.smtp_port,
                username=self.config.smtp_username,
                password=password.get_secret_value() if password else None,
                start_tls=self.config.smtp_starttls and not self.config.smtp_use_tls,
                use_tls=self.config.smtp_use_tls,
                timeout=self.config.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"SMTP refused the recipient: {exc}", permanent=True) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx replies are final (RFC 5321 4.2.1); 4xx ask the client to try again later.
            raise DeliveryError(
                f"SMTP answered {exc.code}: {exc.message}", permanent=exc.code >= 500
            ) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP delivery failed: {exc}") from exc
        return str(mime["Message-ID"])


def _split_address(value: str) -> dict[str, str]:
    name, address = parseaddr(value)
    return {"email": address, "name": name} if name else {"email": address}


class _HttpEmail:
    provider = "email"

    def __init__(self, base_url: str, api_key: str, sender: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.sender = sender
        self.timeout = timeout

    async def _post(self, path: str, payload: dict[str, object]) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(
                    f"{self.base_url}{path}",
                    json=payload,
                    headers={"Authorization": f"Bearer {self.api_key}"},
                )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{self.provider} unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise classify_http_status(self.provider, response.status_code, response.text)
        return response


class SendGridEmail(_HttpEmail):
    provider = "SendGrid"

    async def send(self, message: OutgoingMessage) -> str | None:
        content = [{"type": "text/plain", "value": message.body}]
        if message.html:
            content.append({"type": "text/html", "value": message.html})
        payload: dict[str, object] = {
            "personalizations": [{"to": [{"email": message.to}]}],
            "from": _split_address(self.sender),
            "subject": message.subject or "",
            "content": content,
        }
        if message.headers:
            payload["headers"] = message.headers
        response = await self._post("/v3/mail/send", payload)
        return response.headers.get("x-message-id")


class ResendEmail(_HttpEmail):
    provider = "Resend"

    async def send(self, message: OutgoingMessage) -> str | None:
        payload: dict[str, object] = {
            "from": self.sender,
            "to": [message.to],
            "subject": message.subject or "",
            "text": message.body,
        }
        if message.html:
            payload["html"] = message.html
        if message.headers:
            payload["headers"] = message.headers
        response = await self._post("/emails", payload)
        # Resend answers {"id": ...}; a success without a JSON body did not come from it.
        message_id = reply_object(self.provider, response).get("id")
        return str(message_id) if message_id else None
