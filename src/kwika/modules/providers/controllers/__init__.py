from kwika.modules.providers.controllers.companies import (
    BusinessPhonesController,
    CompaniesController,
)
from kwika.modules.providers.controllers.guides import GuidesController
from kwika.modules.providers.controllers.profiles import ProvidersController
from kwika.modules.providers.controllers.verification import VerificationController

CONTROLLERS = [
    ProvidersController,
    CompaniesController,
    BusinessPhonesController,
    VerificationController,
    GuidesController,
]
