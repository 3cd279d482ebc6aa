"""What identity announces; other modules connect receivers in their ModuleSpec."""

from kwika.core.signals import Signal

user_changed = Signal("identity.user_changed")
"""Sent with ``user_id`` (ObjectId) after what others see of a user changed: names,
username, avatar, or whether the account is active (deletion scheduled or cancelled)."""

user_anonymised = Signal("identity.user_anonymised")
"""Sent with ``user_id`` (ObjectId) once an account's grace period ended and its personal
data was erased: modules erase what they hold of that person (files, messages...)."""
