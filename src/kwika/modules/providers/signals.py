"""What providers asks and announces; other modules connect receivers in their ModuleSpec."""

from kwika.core.signals import Guard, Signal

company_deletion = Guard("providers.company_deletion")
"""Asked with ``company_id`` and ``owner_id`` (ObjectIds) before a company is deleted; the
catalogue refuses while services still belong to it."""

company_deleted = Signal("providers.company_deleted")
"""Sent with ``company_id`` and ``owner_id`` once a company is gone: its catalogues,
categories and promotions go with it."""

business_phone_deletion = Guard("providers.business_phone_deletion")
"""Asked with ``phone_id`` and ``owner_id`` before a business phone is removed; the catalogue
refuses while services show it."""

verification_decided = Signal("providers.verification_decided")
"""Sent with ``user_id``, ``kind`` (identity, craftsman, guide), ``status`` (verified,
rejected) and ``is_verified`` (the provider's overall flag) after staff decided."""
