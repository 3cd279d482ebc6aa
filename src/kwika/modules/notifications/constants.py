"""Notification types, the preference categories they belong to, and channels."""

from __future__ import annotations

from typing import Literal

from kwika.core.module import (
    NotificationTypeDecl,
    TemplateFolder,
    WhatsAppTemplate,
    notification_types,
    whatsapp_templates,
)

# Any declared type: modules declare theirs in ``ModuleSpec.notification_types``.
NotificationType = str

# Seed 003 12.1.1's enum, the types its examples use, and those the other specs need,
# declared in advance by notifications (``BUILTIN_TYPES``) until their modules exist.
_ADVANCE_TYPES: tuple[str, ...] = (
    # seed 003 12.1.1
    "glow",
    "echo",
    "spark",
    "follow",
    "event_invite",
    "service_approved",
    "service_rejected",
    "account_created",
    "system",
    "general",
    "broadcast",
    "contribution_received",
    "booking_request",
    "booking_accepted",
    "booking_rejected",
    "rsvp_received",
    "committee_invite",
    "moment_view",
    "moment_reaction",
    "comment",
    "mention",
    "circle_add",
    "expense_recorded",
    "content_removed",
    "post_removed",
    "moment_removed",
    "identity_verified",
    "kyc_approved",
    "password_changed",
    "password_reset",
    # seed 003 examples and changelog
    "message",
    "review",
    "event_update",
    "reminder",
    # seed 001 (jobs) and the other specs
    "job_invitation",
    "quote_received",
    "invitation_answered",
    "job_status_changed",
    "booking_status_changed",
    "payment",
    "dispute",
    "review_request",
    "application_status",
    # identity's security alerts
    "security",
)
# The types declared in advance (registered types: ``notification_types``).
NOTIFICATION_TYPES: tuple[str, ...] = _ADVANCE_TYPES

Channel = Literal["email", "sms", "push", "whatsapp"]
CHANNELS: tuple[Channel, ...] = ("push", "email", "sms", "whatsapp")

# Per-type switches are grouped in categories (seed 003 12.5 and 19.1 names).
CATEGORY_TYPES: dict[str, tuple[str, ...]] = {
    "messages": ("message",),
    "booking_requests": (
        "booking_request",
        "booking_accepted",
        "booking_rejected",
        "booking_status_changed",
    ),
    "event_invitations": ("event_invite", "committee_invite"),
    "event_updates": ("event_update", "expense_recorded"),
    "event_reminders": ("reminder",),
    "rsvp": ("rsvp_received",),
    "contributions": ("contribution_received",),
    "reviews": ("review", "review_request"),
    "payments": ("payment",),
    "jobs": ("job_invitation", "quote_received", "invitation_answered", "job_status_changed"),
    "disputes": ("dispute",),
    "glows_and_echoes": ("glow", "echo", "spark"),
    "mentions": ("mention", "comment"),
    "new_followers": ("follow", "circle_add"),
    "moments": ("moment_view", "moment_reaction"),
    "account": (
        "account_created",
        "service_approved",
        "service_rejected",
        "kyc_approved",
        "identity_verified",
        "application_status",
        "content_removed",
        "post_removed",
        "moment_removed",
    ),
    "system": ("system", "general"),
    "marketing": ("broadcast",),
    "security_alerts": ("security", "password_changed", "password_reset"),
}
# The preference categories are notifications' own vocabulary (the switches of the settings
# screen); a module's notification type joins one of them.
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_TYPES)
_ADVANCE_CATEGORY: dict[str, str] = {
    type_: category for category, types in CATEGORY_TYPES.items() for type_ in types
}

# Security messages ignore per-type switches and quiet hours (codes, password changes).
SECURITY_CATEGORY = "security_alerts"

# Channel defaults: SMS costs money, so only critical categories (seed 002 Task 15);
# WhatsApp is opt-in; marketing email is opt-in.
_SMS_DEFAULT_ON = {
    "booking_requests",
    "event_reminders",
    "payments",
    "jobs",
    "disputes",
    "security_alerts",
}
_WHATSAPP_DEFAULT_ON = {"event_invitations", "event_updates", "event_reminders"}


def default_switches(channel: Channel) -> dict[str, bool]:
    if channel == "sms":
        return {c: c in _SMS_DEFAULT_ON for c in CATEGORIES}
    if channel == "whatsapp":
        return {c: c in _WHATSAPP_DEFAULT_ON for c in CATEGORIES}
    return {c: c != "marketing" for c in CATEGORIES}


CHANNEL_DEFAULT_ENABLED: dict[Channel, bool] = {
    "push": True,
    "email": True,
    "sms": True,
    "whatsapp": False,
}
DIGESTS = ("off", "daily", "weekly")

# Email templates for types that have their own (seed 002 Task 14); others use the
# generic "notification" template.
EMAIL_TEMPLATES: dict[str, str] = {
    "account_created": "welcome",
    "booking_request": "new_booking",
    "booking_accepted": "booking_confirmation",
    "reminder": "booking_reminder",
    "payment": "payment_receipt",
    "review_request": "review_request",
    "application_status": "application_status",
    "message": "new_message",
}
CANCELLED_STATUSES = {"cancelled", "canceled"}

# WhatsApp templates approved in Meta (seed 003, 2026-02-19): name -> ordered parameters.
WHATSAPP_TEMPLATES: dict[str, tuple[str, ...]] = {
    "event_invitation": ("guest_name", "event_name", "event_date", "organizer_name", "rsvp_url"),
    "event_update": ("guest_name", "event_name", "changes"),
    "event_reminder": ("guest_name", "event_name", "event_date", "event_time", "location"),
    "expense_recorded": ("recipient_name", "recorder_name", "amount", "category", "event_name"),
}
# Which WhatsApp template a notification type uses (others go as plain text).
WHATSAPP_FOR_TYPE: dict[str, str] = {
    "event_invite": "event_invitation",
    "event_update": "event_update",
    "reminder": "event_reminder",
    "expense_recorded": "expense_recorded",
}

# Seed 003 12.1.1: where the front-end navigates for each type.
SYSTEM_ACTOR_TYPES = {"system", "general", "broadcast"}

# Registered through notifications' own ModuleSpec, the same way other modules do.
BUILTIN_TYPES: tuple[NotificationTypeDecl, ...] = tuple(
    NotificationTypeDecl(
        name=type_,
        category=_ADVANCE_CATEGORY[type_],
        email_template=EMAIL_TEMPLATES.get(type_),
        whatsapp_template=WHATSAPP_FOR_TYPE.get(type_),
        system_actor=type_ in SYSTEM_ACTOR_TYPES,
    )
    for type_ in _ADVANCE_TYPES
)
BUILTIN_WHATSAPP_TEMPLATES: tuple[WhatsAppTemplate, ...] = tuple(
    WhatsAppTemplate(name, parameters) for name, parameters in WHATSAPP_TEMPLATES.items()
)
TEMPLATES = TemplateFolder("kwika.modules.notifications", "templates")


def _check_categories() -> None:
    for declared in notification_types:
        if declared.category not in CATEGORY_TYPES:
            owner = notification_types.owner(declared.name)
            raise RuntimeError(
                f"Notification type '{declared.name}' of {owner} has an unknown category "
                f"'{declared.category}'; use one of: {', '.join(CATEGORIES)}"
            )


notification_types.on_change(_check_categories)


# ---------------------------------------------------------------------------- lookups


def is_known(type_: str) -> bool:
    return type_ in notification_types


def category_of(type_: str) -> str:
    declared = notification_types.get(type_)
    return declared.category if declared else "system"


def email_template_of(type_: str) -> str | None:
    declared = notification_types.get(type_)
    return declared.email_template if declared else None


def whatsapp_template_of(type_: str) -> str | None:
    declared = notification_types.get(type_)
    return declared.whatsapp_template if declared else None


def whatsapp_parameters(template: str) -> tuple[str, ...] | None:
    declared = whatsapp_templates.get(template)
    return declared.parameters if declared else None


def is_system_actor(type_: str) -> bool:
    declared = notification_types.get(type_)
    return bool(declared and declared.system_actor)
