from kwika.modules.catalogue.controllers.catalogues import CataloguesController
from kwika.modules.catalogue.controllers.experiences import ExperiencesController
from kwika.modules.catalogue.controllers.promotions import PromotionsController
from kwika.modules.catalogue.controllers.service_kyc import ServiceKycController
from kwika.modules.catalogue.controllers.service_packages import ServicePackagesController
from kwika.modules.catalogue.controllers.services import (
    PublicServiceController,
    UserServicesController,
)

CONTROLLERS = [
    CataloguesController,
    UserServicesController,
    ServiceKycController,
    ServicePackagesController,
    ExperiencesController,
    PromotionsController,
    PublicServiceController,
]
