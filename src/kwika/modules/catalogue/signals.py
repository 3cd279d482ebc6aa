"""What the catalogue asks (bookings connects receivers) and announces (discovery does)."""

from kwika.core.signals import Check, Signal

service_deletion = Check("catalogue.service_deletion")
"""Asked with ``service_id`` and ``owner_id`` (ObjectIds) before a service or experience is
deleted. Bookings vetoes while it has active bookings, e.g.
``Veto("Cannot delete service with active bookings...", {"active_bookings": 3})``; the
owner gets 409 ``IN_USE`` with that message and data."""

package_deletion = Check("catalogue.package_deletion")
"""Asked with ``package_id``, ``service_id`` and ``owner_id`` before a package is deleted."""

# What the catalogue announces (discovery mirrors listings from these).

service_changed = Signal("catalogue.service_changed")
"""Sent with ``service_id`` (ObjectId) after a service or experience was created or changed
(fields, images, status, verification, rating)."""

service_removed = Signal("catalogue.service_removed")
"""Sent with ``service_id`` and ``kind`` (``service``/``experience``) once it is deleted."""

promotion_changed = Signal("catalogue.promotion_changed")
"""Sent with ``promotion_id`` after a promotion was created or changed."""

promotion_removed = Signal("catalogue.promotion_removed")
"""Sent with ``promotion_id`` once it is deleted."""
