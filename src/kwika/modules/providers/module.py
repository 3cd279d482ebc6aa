from bson import ObjectId

from kwika.core.module import ModuleSpec
from kwika.modules.identity.signals import user_anonymised
from kwika.modules.providers import pages
from kwika.modules.providers.controllers import CONTROLLERS
from kwika.modules.providers.documents import DOCUMENTS, BusinessPhone, ProviderProfile
from kwika.modules.providers.services import companies, guides, verification


async def erase_person(user_id: ObjectId) -> None:
    """Receiver of ``identity.user_anonymised``: what the person offered goes with them
    (media erases their files, the catalogue their listings)."""
    await companies.erase_owner(user_id)
    await verification.erase_owner(user_id)
    await guides.erase_owner(user_id)
    await BusinessPhone.get_motor_collection().delete_many({"owner_id": user_id})
    async for profile in ProviderProfile.find({"user_id": user_id}):
        await ProviderProfile.get_motor_collection().delete_one({"_id": profile.id})
        await pages.provider_removed(provider_id=profile.id)


module = ModuleSpec(
    name="providers",
    route_handlers=CONTROLLERS,
    documents=DOCUMENTS,
    receivers=[(user_anonymised, erase_person)],
    tags=[
        {"name": "Providers", "description": "Provider profiles: vendors, craftsmen, guides"},
        {"name": "Companies", "description": "Providers' brands (seed 000 1.3)"},
        {"name": "Business phones", "description": "Phone numbers verified once, reused"},
        {"name": "Verification", "description": "Identity and craftsman verification"},
        {"name": "Guides", "description": "Guide applications, pages and calendars"},
    ],
)
