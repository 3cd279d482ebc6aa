"""What providers asks and announces; other modules connect receivers in their ModuleSpec."""

from kwika.core.signals import Check, Signal

company_deletion = Check("providers.company_deletion")
"""Asked with ``company_id`` and ``owner_id`` (ObjectIds) before a company is deleted; the
catalogue refuses while services still belong to it."""

company_deleted = Signal("providers.company_deleted")
"""Sent with ``company_id`` and ``owner_id`` once a company is gone: its catalogues,
categories and promotions go with it."""

business_phone_deletion = Check("providers.business_phone_deletion")
"""Asked with ``phone_id`` and ``owner_id`` before a business phone is removed; the catalogue
refuses while services show it."""

verification_decided = Signal("providers.verification_decided")
"""Sent with ``user_id``, ``kind`` (identity, craftsman, guide), ``status`` (verified,
rejected) and ``is_verified`` (the provider's overall flag) after staff decided."""

provider_changed = Signal("providers.provider_changed")
"""Sent with ``provider_id`` (ObjectId) whenever what the public sees of a provider may have
changed (profile, verification, rating, guide details): discovery refreshes its listing."""

provider_removed = Signal("providers.provider_removed")
"""Sent with ``provider_id`` once a provider profile is gone (account erased)."""

company_changed = Signal("providers.company_changed")
"""Sent with ``company_id`` after a company was created or changed (logo included)."""
