from bson import ObjectId

from kwika.core.module import ConversationContextDecl, ModuleSpec
from kwika.modules.catalogue.controllers import CONTROLLERS
from kwika.modules.catalogue.demo import demo_services
from kwika.modules.catalogue.documents import DOCUMENTS, Catalogue, Category
from kwika.modules.catalogue.public import service_context
from kwika.modules.catalogue.services import catalogues, listings, promotions
from kwika.modules.identity.signals import user_anonymised
from kwika.modules.providers.signals import (
    business_phone_deletion,
    company_changed,
    company_deleted,
    company_deletion,
    provider_changed,
)


async def company_gone(company_id: ObjectId, owner_id: ObjectId) -> None:
    """Receiver of ``providers.company_deleted``: its catalogues, categories and promotions
    go with it (its services were moved or deleted first: the check saw to that)."""
    await catalogues.delete_for_company(company_id)
    await promotions.delete_for_company(company_id)


async def erase_person(user_id: ObjectId) -> None:
    """Receiver of ``identity.user_anonymised`` (media erases the files)."""
    await listings.erase_owner(user_id)
    await promotions.erase_owner(user_id)
    await Catalogue.get_motor_collection().delete_many({"owner_id": user_id})
    await Category.get_motor_collection().delete_many({"owner_id": user_id})


module = ModuleSpec(
    name="catalogue",
    route_handlers=CONTROLLERS,
    documents=DOCUMENTS,
    seeders=[demo_services],
    receivers=[
        (company_deletion, listings.company_has_services),
        (company_deleted, company_gone),
        (business_phone_deletion, listings.phone_in_use),
        (user_anonymised, erase_person),
        (provider_changed, listings.provider_changed),
        (company_changed, promotions.company_renamed),
    ],
    conversation_contexts=[
        ConversationContextDecl(
            "service", resolve=service_context, description="A service or an experience"
        )
    ],
    tags=[
        {"name": "Catalogues", "description": "Companies' catalogues and categories"},
        {"name": "Services", "description": "Vendor services, images, KYC, packages"},
        {"name": "Experiences", "description": "Guides' experiences (services of that kind)"},
        {"name": "Promotions", "description": "Time-bound offers of companies"},
    ],
)
