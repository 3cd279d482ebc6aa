"""Adapters to external providers, chosen by settings; ``outbox`` is the development default."""

from __future__ import annotations

from typing import Any

from kwika.config import Settings
from kwika.integrations.email import ResendEmail, SendGridEmail, SmtpEmail
from kwika.integrations.google import GoogleOAuth
from kwika.integrations.outbox import Outbox
from kwika.integrations.push import FcmPush
from kwika.integrations.sms import AfricasTalkingSms
from kwika.integrations.whatsapp import WhatsAppCloud


def _require(value: Any, name: str) -> str:
    if value is None:
        raise ValueError(f"{name} must be set for this backend")
    return str(value.get_secret_value())


def build_email(settings: Settings, outbox: Outbox) -> Any:
    config = settings.email
    if config.backend == "smtp":
        return SmtpEmail(config)
    if config.backend == "sendgrid":
        key = _require(config.sendgrid_api_key, "KWIKA_EMAIL__SENDGRID_API_KEY")
        return SendGridEmail(config.sendgrid_base_url, key, config.from_address)
    if config.backend == "resend":
        key = _require(config.resend_api_key, "KWIKA_EMAIL__RESEND_API_KEY")
        return ResendEmail(config.resend_base_url, key, config.from_address)
    return outbox


def build_adapters(settings: Settings) -> dict[str, Any]:
    outbox = Outbox(settings.outbox_path)
    sms = AfricasTalkingSms(settings.sms) if settings.sms.backend == "africastalking" else outbox
    push = FcmPush(settings.push) if settings.push.backend == "fcm" else outbox
    whatsapp = (
        WhatsAppCloud(settings.whatsapp) if settings.whatsapp.backend == "cloud_api" else outbox
    )
    return {
        "outbox": outbox,
        "email": build_email(settings, outbox),
        "sms": sms,
        "push": push,
        "whatsapp": whatsapp,
        "google": GoogleOAuth(settings.google),
    }
