"""Demo services for `kwika seed --demo` and `kwika serve --demo` (never otherwise): a few
services of the demo providers in Dar es Salaam (TZS) and Nairobi (KES), created through
the same use case as `POST /user-services`, so search finds them at once."""

from __future__ import annotations

from typing import Any

from kwika.core.module import SeedContext
from kwika.modules import identity, reference
from kwika.modules.catalogue.documents import Service
from kwika.modules.catalogue.schemas import ServiceIn
from kwika.modules.catalogue.services import listings

DAR = {"latitude": -6.7603, "longitude": 39.2761, "location": "Msasani, Dar es Salaam"}
NAIROBI = {"latitude": -1.2676, "longitude": 36.8108, "location": "Westlands, Nairobi"}

# (owner username, category key, fields)
DEMO_SERVICES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "demovendor",
        "photography_videography",
        {
            "title": "Wedding Photography and Film",
            "description": "Full-day wedding coverage: two photographers, a drone and a "
            "highlights film delivered within two weeks, in Dar es Salaam and beyond.",
            "price": "1500000",
            "max_price": "3500000",
            "currency": "TZS",
            "highlights": ["Two photographers", "Drone footage", "Online gallery"],
            **DAR,
        },
    ),
    (
        "demovendor",
        "decor_setup",
        {
            "title": "Garden Event Decoration",
            "description": "Flowers, draping, lighting and table settings for weddings, "
            "send-offs and birthdays, set up and cleared by our team.",
            "price": "800000",
            "currency": "TZS",
            "highlights": ["Fresh flowers", "Fairy lights"],
            **DAR,
        },
    ),
    (
        "democraftsman",
        "entertainment",
        {
            "title": "Sound System and DJ Hire",
            "description": "PA system, microphones and a DJ for parties and conferences "
            "around Nairobi, delivered and set up before your guests arrive.",
            "price": "25000",
            "max_price": "60000",
            "currency": "KES",
            "highlights": ["Wireless microphones", "Backup generator"],
            **NAIROBI,
        },
    ),
    (
        "democraftsman",
        "decor_setup",
        {
            "title": "Custom Wooden Stage Building",
            "description": "Stages, arches and photo walls built to measure in our "
            "Westlands workshop and installed at your venue.",
            "price": "40000",
            "currency": "KES",
            **NAIROBI,
        },
    ),
]


async def demo_services(context: SeedContext) -> int:
    """The demo providers' services (skipped for a provider that is missing); idempotent:
    a service with the same owner and title is not created again."""
    if not context.demo:
        return 0
    users = await identity.demo_user_ids()
    written = 0
    for done, (username, category_key, fields) in enumerate(DEMO_SERVICES, start=1):
        context.progress("demo services", done, len(DEMO_SERVICES))
        owner = users.get(username)
        if owner is None or await Service.find_one({"owner_id": owner, "title": fields["title"]}):
            continue
        category = await reference.category_by_key(category_key)
        data = ServiceIn(
            **fields, service_category_id=category.id if category is not None else None
        )
        principal, client = context.acting_as(owner)
        await listings.create(principal, data, [], client)
        written += 1
    return written
