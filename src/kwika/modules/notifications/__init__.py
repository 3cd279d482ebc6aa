"""Notifications: telling users things in the app, live, and on their allowed channels.

Public API for other modules:

* :func:`notify` / :func:`notify_many`: an in-app notification of a type, pushed live over
  Socket.IO and delivered by push/email/SMS/WhatsApp as the user's preferences allow.
* :func:`send_direct`: a message to an address, outside preferences (codes, links, security
  alerts, invitations to people who are not users).
"""

from kwika.modules.notifications.constants import NOTIFICATION_TYPES, NotificationType
from kwika.modules.notifications.delivery import send_direct
from kwika.modules.notifications.erasure import erase_user
from kwika.modules.notifications.people import Actor, People, Recipient
from kwika.modules.notifications.schemas import NotificationOut
from kwika.modules.notifications.service import notify, notify_many

__all__ = [
    "NOTIFICATION_TYPES",
    "Actor",
    "NotificationOut",
    "NotificationType",
    "People",
    "Recipient",
    "erase_user",
    "notify",
    "notify_many",
    "send_direct",
]
