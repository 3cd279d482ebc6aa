"""What identity announces; other modules connect receivers in their ModuleSpec."""

from bson import ObjectId

from kwika.core.signals import signal


@signal("identity.user_changed")
def user_changed(*, user_id: ObjectId) -> None:
    """Sent after what others see of a user changed: names, username, avatar, or whether the
    account is active (deletion scheduled or cancelled)."""


@signal("identity.user_anonymised")
def user_anonymised(*, user_id: ObjectId) -> None:
    """Sent once an account's grace period ended and identity erased its personal data:
    modules erase what they hold of that person (files, messages...)."""
