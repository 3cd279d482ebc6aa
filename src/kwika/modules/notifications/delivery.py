"""Turning a message into stored deliveries, one per channel and address.

A delivery is stored before its actor is enqueued, so nothing is lost if enqueueing fails
(the sweeper finds it), and its status lets the actor send it at most once.
"""

from __future__ import annotations

import logging
from typing import Any

import jinja2
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.broker import after_success, deferring
from kwika.core.ids import id_of
from kwika.integrations.whatsapp import whatsapp_number
from kwika.modules.notifications import preferences
from kwika.modules.notifications.constants import (
    CANCELLED_STATUSES,
    CHANNELS,
    Channel,
    email_template_of,
    whatsapp_parameters,
    whatsapp_template_of,
)
from kwika.modules.notifications.documents import Delivery, Notification, PushDevice
from kwika.modules.notifications.people import Recipient as Contacts
from kwika.modules.notifications.rendering import NOTIFICATION_LAYOUT, Rendered, exists, render
from kwika.modules.notifications.tasks import enqueue_delivery

log = logging.getLogger(__name__)

UNSUBSCRIBE_PURPOSE = "notifications-unsubscribe"
MAX_PUSH_DEVICES = 10
GENERIC_TEMPLATE = "notification"


async def store(delivery: Delivery) -> Delivery | None:
    """Insert and enqueue; ``None`` when this (notification, channel, address) exists.

    Inside a request the delivery is a ``draft`` until the response succeeds: a failed
    request never sends (and the sweeper deletes its drafts after a day).
    """
    target = delivery.status  # pending, or held by quiet hours
    held = deferring()
    if held:
        delivery.status = "draft"
    try:
        await delivery.insert()
    except DuplicateKeyError:
        return None
    delivery_id = id_of(delivery)

    async def release() -> None:
        await Delivery.get_motor_collection().update_one(
            {"_id": delivery_id, "status": "draft"}, {"$set": {"status": target}}
        )

    if held:  # outside a request it is stored as it will stay: no draft to release
        await after_success(release)
    if target == "pending":
        await enqueue_delivery(delivery_id, delivery.channel)
    delivery.status = target
    return delivery


def whatsapp_spec(template: str, context: dict[str, Any]) -> dict[str, Any] | None:
    """The approved WhatsApp template and its ordered parameters, when all are known."""
    names = whatsapp_parameters(template)
    if names is None or any(context.get(n) in (None, "") for n in names):
        return None
    language = runtime.get().settings.whatsapp.template_language
    return {
        "template": template,
        "language": language,
        "parameters": [str(context[n]) for n in names],
    }


# ---------------------------------------------------------------------------- notifications


def email_template(notification: Notification, chosen: str | None) -> str:
    if chosen and exists(chosen):
        return chosen
    status = str(notification.data.get("status", "")).lower()
    if notification.type == "booking_status_changed" and status in CANCELLED_STATUSES:
        return "booking_cancellation"
    return email_template_of(notification.type) or GENERIC_TEMPLATE


def absolute_url(path: str | None) -> str | None:
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return f"{runtime.get().settings.frontend_url.rstrip('/')}/{path.lstrip('/')}"


def unsubscribe_url(user_id: ObjectId, category: str) -> str:
    rt = runtime.get()
    token = rt.keyring.sign(
        UNSUBSCRIBE_PURPOSE,
        {"u": str(user_id), "c": category},
        rt.settings.notifications.unsubscribe_link_ttl_days * 86400,
    )
    base = rt.settings.public_base_url.rstrip("/")
    return f"{base}/api/v1/notifications/unsubscribe?token={token}"


def _context(notification: Notification, contacts: Contacts, security: bool) -> dict[str, Any]:
    settings = runtime.get().settings
    category = preferences.category_of(notification.type)
    return {
        "app_name": settings.app_name,
        "first_name": contacts.first_name,
        "title": notification.title,
        "message": notification.message,
        "type": notification.type,
        "data": notification.data,
        "action_url": absolute_url(notification.action_url),
        "action_text": notification.action_text,
        "preferences_url": f"{settings.frontend_url.rstrip('/')}/settings/notifications",
        "unsubscribe_url": None if security else unsubscribe_url(notification.user_id, category),
    }


def _render(template: str, channel: str, context: dict[str, Any]) -> Rendered:
    """A type's own template, or the generic one when the data lacks what it needs."""
    try:
        return render(template, channel, context, layout=NOTIFICATION_LAYOUT)
    except jinja2.TemplateError as exc:
        if template == GENERIC_TEMPLATE:
            raise
        log.warning("template %s could not render (%s); using the generic one", template, exc)
        return render(GENERIC_TEMPLATE, channel, context, layout=NOTIFICATION_LAYOUT)


def _push_data(notification: Notification) -> dict[str, Any]:
    """Small, flat data for the app to route the tap (FCM allows 4 KB)."""
    data: dict[str, Any] = {
        "notification_id": str(notification.id),
        "type": notification.type,
        "reference_id": notification.reference_id,
        "reference_type": notification.reference_type,
        "action_url": notification.action_url,
    }
    for key, value in notification.data.items():
        if isinstance(value, str | int | float | bool) and len(str(value)) <= 200:
            data.setdefault(key, value)
    return {k: v for k, v in data.items() if v is not None}


async def _addresses(channel: Channel, contacts: Contacts, user_id: ObjectId) -> list[str]:
    if channel == "email":
        return [contacts.email] if contacts.email and contacts.email_verified else []
    if channel in ("sms", "whatsapp"):
        return [contacts.phone] if contacts.phone and contacts.phone_verified else []
    devices = (
        await PushDevice.find({"user_id": user_id})
        .sort("-last_seen_at", "-_id")
        .limit(MAX_PUSH_DEVICES)
        .to_list()
    )
    return [device.token for device in devices]


def _message(
    notification: Notification,
    channel: Channel,
    template: str,
    context: dict[str, Any],
) -> tuple[str, Rendered, dict[str, Any], dict[str, str]]:
    """(template name, rendered parts, data, headers) of one channel."""
    data: dict[str, Any] = {"notification_id": str(notification.id), "type": notification.type}
    if channel == "push":
        rendered = Rendered(subject=notification.title, body=notification.message, html=None)
        return "push", rendered, _push_data(notification), {}
    if channel == "email":
        headers = {}
        if context["unsubscribe_url"]:
            headers = {
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        return template, _render(template, "email", context), data, headers
    rendered = _render(template, "sms", context)
    if channel == "whatsapp":
        name = whatsapp_template_of(notification.type)
        values = {
            "guest_name": context["first_name"],
            "recipient_name": context["first_name"],
            **notification.data,
        }
        spec = whatsapp_spec(name, values) if name else None
        if spec:
            data["whatsapp"] = spec
            return name or template, rendered, data, {}
    return template, rendered, data, {}


async def plan(
    notification: Notification, contacts: Contacts, chosen_template: str | None = None
) -> list[str]:
    """Create the deliveries the user's preferences allow; returns their channels.
    Running it twice for one notification creates nothing new."""
    prefs, _ = await preferences.effective(notification.user_id)
    security = preferences.is_security(notification.type)
    held_until = None if security else preferences.quiet_until(prefs, clock.now())
    template = email_template(notification, chosen_template)
    context = _context(notification, contacts, security)
    channels: list[str] = []
    for channel in CHANNELS:
        if not preferences.channel_allows(prefs, channel, notification.type):
            continue
        addresses = await _addresses(channel, contacts, notification.user_id)
        if not addresses:
            continue
        name, rendered, data, headers = _message(notification, channel, template, context)
        for address in addresses:
            delivery = Delivery(
                channel=channel,
                to=address,
                template=name,
                subject=rendered.subject,
                body=rendered.body,
                html=rendered.html,
                data=data,
                headers=headers,
                user_id=notification.user_id,
                notification_id=notification.id,
                dedupe_key=f"{notification.id}:{channel}:{address}",
                security=security,
                status="held" if held_until else "pending",
                not_before=held_until,
            )
            await store(delivery)
        channels.append(channel)
    return channels


# ---------------------------------------------------------------------------- direct messages


async def send_direct(
    channel: Channel,
    to: str,
    template: str,
    context: dict[str, Any],
    *,
    user_id: ObjectId | None = None,
    sensitive: bool = False,
    data: dict[str, Any] | None = None,
) -> ObjectId:
    """Render ``template`` for ``channel`` and deliver it to ``to`` in the background.

    For codes, links and account alerts (identity) and for people who are not users (event
    guests): no preferences, no quiet hours. ``sensitive`` messages (codes, links) have
    their text erased once delivered. On WhatsApp, a template of seed 003's approved list
    goes as that template; anything else as plain text.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel}")
    settings = runtime.get().settings
    full_context = {"app_name": settings.app_name, **context}
    rendered = render(template, "email" if channel == "email" else "sms", full_context)
    if channel == "push":
        title = render(template, "email", full_context).subject
        rendered = Rendered(subject=title, body=rendered.body, html=None)
    payload = dict(data or {})
    if channel == "whatsapp":
        to = "+" + whatsapp_number(to)
        spec = whatsapp_spec(template, full_context)
        if spec:
            payload["whatsapp"] = spec
    delivery = Delivery(
        channel=channel,
        to=to,
        template=template,
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
        data=payload,
        user_id=user_id,
        sensitive=sensitive,
        security=True,
    )
    stored = await store(delivery)
    assert stored is not None
    assert stored.id is not None
    return stored.id
