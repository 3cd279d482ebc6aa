"""What providers asks and announces; other modules connect receivers in their ModuleSpec."""

from bson import ObjectId

from kwika.core.signals import check, signal
from kwika.modules.providers.constants import VerificationKind, VerificationStatus


@check("providers.company_deletion")
def company_deletion(*, company_id: ObjectId, owner_id: ObjectId) -> None:
    """Asked before a company is deleted; the catalogue refuses while services still belong
    to it."""


@signal("providers.company_deleted")
def company_deleted(*, company_id: ObjectId, owner_id: ObjectId) -> None:
    """Sent once a company is gone: its catalogues, categories and promotions go with it."""


@check("providers.business_phone_deletion")
def business_phone_deletion(*, phone_id: ObjectId, owner_id: ObjectId) -> None:
    """Asked before a business phone is removed; the catalogue refuses while services show
    it."""


@signal("providers.verification_decided")
def verification_decided(
    *,
    user_id: ObjectId,
    kind: VerificationKind,
    status: VerificationStatus,
    is_verified: bool,
) -> None:
    """Sent after staff decided: ``kind`` of verification, its ``status`` (verified,
    rejected) and the provider's overall flag ``is_verified``."""


@signal("providers.provider_changed")
def provider_changed(*, provider_id: ObjectId) -> None:
    """Sent whenever what the public sees of a provider may have changed (profile,
    verification, rating, guide details): discovery refreshes its listing."""


@signal("providers.provider_removed")
def provider_removed(*, provider_id: ObjectId) -> None:
    """Sent once a provider profile is gone (account erased)."""


@signal("providers.company_changed")
def company_changed(*, company_id: ObjectId) -> None:
    """Sent after a company was created or changed (logo included)."""
