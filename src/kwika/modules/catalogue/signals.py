"""What the catalogue asks (bookings connects receivers) and announces (discovery does)."""

from bson import ObjectId

from kwika.core.signals import check, signal
from kwika.modules.catalogue.constants import ServiceKind


@check("catalogue.service_deletion")
def service_deletion(*, service_id: ObjectId, owner_id: ObjectId) -> None:
    """Asked before a service or experience is deleted. Bookings vetoes while it has active
    bookings, e.g. ``Veto("Cannot delete service with active bookings...",
    {"active_bookings": 3})``; the owner gets 409 ``IN_USE`` with that message and data."""


@check("catalogue.package_deletion")
def package_deletion(*, package_id: ObjectId, service_id: ObjectId, owner_id: ObjectId) -> None:
    """Asked before a package is deleted."""


# What the catalogue announces (discovery mirrors listings from these).


@signal("catalogue.service_changed")
def service_changed(*, service_id: ObjectId) -> None:
    """Sent after a service or experience was created or changed (fields, images, status,
    verification, rating)."""


@signal("catalogue.service_removed")
def service_removed(*, service_id: ObjectId, kind: ServiceKind) -> None:
    """Sent once a service or an experience is deleted."""


@signal("catalogue.promotion_changed")
def promotion_changed(*, promotion_id: ObjectId) -> None:
    """Sent after a promotion was created or changed."""


@signal("catalogue.promotion_removed")
def promotion_removed(*, promotion_id: ObjectId) -> None:
    """Sent once a promotion is deleted."""
