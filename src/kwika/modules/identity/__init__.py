"""Identity: accounts, credentials, codes, 2FA, devices, sessions, Google sign-in, profiles,
staff authentication.

Other modules use only what this file exports (snapshots and guarded updates, never
documents).
"""

from kwika.modules.identity import signals
from kwika.modules.identity.public import (
    Contacts,
    UserSummary,
    adjust_counter,
    get_contacts,
    get_user_summaries,
    get_user_summary,
    set_account_type,
    set_avatar,
)
from kwika.modules.identity.seed import DEMO_PASSWORD, demo_user_ids
from kwika.modules.identity.validation import normalize_phone

__all__ = [
    "DEMO_PASSWORD",
    "Contacts",
    "UserSummary",
    "adjust_counter",
    "demo_user_ids",
    "get_contacts",
    "get_user_summaries",
    "get_user_summary",
    "normalize_phone",
    "set_account_type",
    "set_avatar",
    "signals",
]
