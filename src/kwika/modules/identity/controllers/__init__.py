from kwika.modules.identity.controllers.auth import AuthController
from kwika.modules.identity.controllers.google import GoogleController
from kwika.modules.identity.controllers.security import SecurityController
from kwika.modules.identity.controllers.staff import StaffAuthController, StaffController
from kwika.modules.identity.controllers.users import ProfileController, PublicUserController

CONTROLLERS = [
    AuthController,
    GoogleController,
    ProfileController,
    PublicUserController,
    SecurityController,
    StaffAuthController,
    StaffController,
]
