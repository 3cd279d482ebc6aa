"""Demo provider profiles for `kwika seed --demo` and `kwika serve --demo` (never otherwise):
the demo vendor in Dar es Salaam and the demo craftsman in Nairobi, so a first run has
providers to find near either city."""

from __future__ import annotations

from kwika.core.module import SeedContext
from kwika.core.pagination import PageParams
from kwika.modules import identity
from kwika.modules.providers.schemas import CompanyIn, ProviderIn
from kwika.modules.providers.services import companies, profiles

DEMO_PROFILES = {
    "demovendor": {
        "kinds": ["vendor"],
        "bio": "Wedding and event photographer, decorator and planner in Dar es Salaam.",
        "skills": ["photography", "decoration", "event planning"],
        "district": "Kinondoni",
        "address": "Msasani, Dar es Salaam",
        "latitude": -6.7603,
        "longitude": 39.2761,
        "service_radius_km": 50,
        "languages": ["English", "Swahili"],
    },
    "democraftsman": {
        "kinds": ["vendor", "craftsman"],
        "bio": "Carpenter and sound engineer: stages, furniture and PA hire around Nairobi.",
        "skills": ["carpentry", "sound engineering"],
        "district": "Nairobi",
        "address": "Westlands, Nairobi",
        "latitude": -1.2676,
        "longitude": 36.8108,
        "service_radius_km": 40,
        "languages": ["English", "Swahili"],
    },
}
DEMO_COMPANY = {
    "name": "Demo Events Studio",
    "slogan": "Your day, beautifully kept",
    "district": "Kinondoni",
    "address": "Msasani, Dar es Salaam",
    "latitude": -6.7603,
    "longitude": 39.2761,
}
_FIRST_PAGE = PageParams(page=1, limit=100)


async def demo_providers(context: SeedContext) -> int:
    """Provider profiles (and a company) of the demo accounts; idempotent."""
    if not context.demo:
        return 0
    users = await identity.demo_user_ids()
    written = 0
    for done, (username, fields) in enumerate(DEMO_PROFILES.items(), start=1):
        user_id = users.get(username)
        if user_id is not None and await profiles.find_by_user(user_id) is None:
            principal, client = context.acting_as(user_id)
            await profiles.create_profile(principal, ProviderIn.model_validate(fields), client)
            written += 1
        context.progress("demo providers", done, len(DEMO_PROFILES))
    vendor = users.get("demovendor")
    if vendor is not None and await profiles.find_by_user(vendor) is not None:
        principal, client = context.acting_as(vendor)
        mine = await companies.list_mine(principal, _FIRST_PAGE)
        if not any(company.name == DEMO_COMPANY["name"] for company in mine.items):
            await companies.create(principal, CompanyIn.model_validate(DEMO_COMPANY), client)
            written += 1
    return written
