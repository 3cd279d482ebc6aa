"""A module that exists only in the tests: it registers a notification type (with its own
email template), an upload context, a conversation context type, a listing kind, a
Socket.IO event and a settings section through its ModuleSpec alone, touching no other
module's files. Its public API is this package root."""

from tests.platform_module.service import ITEMS, PlatformSettings, Thing

__all__ = ["ITEMS", "PlatformSettings", "Thing"]
