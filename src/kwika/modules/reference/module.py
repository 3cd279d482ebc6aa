from kwika.core.module import ModuleSpec
from kwika.modules.reference.controllers import CONTROLLERS
from kwika.modules.reference.documents import DOCUMENTS
from kwika.modules.reference.seed import seed_reference

module = ModuleSpec(
    name="reference",
    route_handlers=CONTROLLERS,
    documents=DOCUMENTS,
    seeders=[seed_reference],
    tags=[
        {
            "name": "References",
            "description": "Event types, service categories and types, KYC requirements, "
            "currencies, countries, onboarding interests",
        },
    ],
)
