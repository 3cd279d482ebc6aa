"""Notifications: rendering and delivering messages on each channel.

Public API for other modules: :func:`send_direct` (a message to an address, such as a
verification code).
"""

from kwika.modules.notifications.service import send_direct

__all__ = ["send_direct"]
