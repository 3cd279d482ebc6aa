from bson import ObjectId

from kwika.core import clock
from kwika.core.errors import NotFound
from kwika.core.ids import id_of
from kwika.core.module import ModuleSpec
from kwika.core.text import search_key
from kwika.modules import identity
from kwika.modules.identity.signals import user_anonymised, user_changed
from kwika.modules.providers import pages
from kwika.modules.providers.controllers import CONTROLLERS
from kwika.modules.providers.demo import demo_providers
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


async def person_changed(user_id: ObjectId) -> None:
    """Receiver of ``identity.user_changed``: the provider page shows the person's name and
    avatar, and is not shown while the account is inactive."""
    profile = await ProviderProfile.find_one({"user_id": user_id})
    if profile is None:
        return
    try:
        user = await identity.get_user_summary(user_id)
    except NotFound:
        user = None
    if user is not None and (user.full_name, user.username) != (
        profile.display_name,
        profile.username,
    ):
        # Profiles keep the name for search; it follows the account's.
        await ProviderProfile.get_motor_collection().update_one(
            {"_id": profile.id},
            {
                "$set": {
                    "display_name": user.full_name,
                    "username": user.username,
                    "name_key": search_key(user.full_name) or user.username,
                    "updated_at": clock.now(),
                }
            },
        )
    await pages.provider_changed(id_of(profile))


module = ModuleSpec(
    name="providers",
    route_handlers=CONTROLLERS,
    documents=DOCUMENTS,
    seeders=[demo_providers],
    receivers=[(user_anonymised, erase_person), (user_changed, person_changed)],
    tags=[
        {"name": "Providers", "description": "Provider profiles: vendors, craftsmen, guides"},
        {"name": "Companies", "description": "Providers' brands (seed 000 1.3)"},
        {"name": "Business phones", "description": "Phone numbers verified once, reused"},
        {"name": "Verification", "description": "Identity and craftsman verification"},
        {"name": "Guides", "description": "Guide applications, pages and calendars"},
    ],
)
