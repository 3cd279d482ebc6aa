"""What the catalogue asks; the bookings module connects receivers in its ModuleSpec."""

from kwika.core.signals import Guard

service_deletion = Guard("catalogue.service_deletion")
"""Asked with ``service_id`` and ``owner_id`` (ObjectIds) before a service or experience is
deleted. Bookings vetoes while it has active bookings, e.g.
``Veto("Cannot delete service with active bookings...", {"active_bookings": 3})``; the
owner gets 409 ``IN_USE`` with that message and data."""

package_deletion = Guard("catalogue.package_deletion")
"""Asked with ``package_id``, ``service_id`` and ``owner_id`` before a package is deleted."""
