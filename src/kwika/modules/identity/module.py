from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules import notifications
from kwika.modules.identity import signals, tasks
from kwika.modules.identity.controllers import CONTROLLERS
from kwika.modules.identity.documents import (
    AuthSession,
    RefreshToken,
    StaffAccount,
    TrustedDevice,
    User,
    VerificationCode,
)
from kwika.modules.identity.public import NotificationPeople
from kwika.modules.identity.seed import demo_accounts
from kwika.modules.identity.services.staff import bootstrap_admin

module = ModuleSpec(
    name="identity",
    route_handlers=CONTROLLERS,
    documents=[User, AuthSession, RefreshToken, VerificationCode, TrustedDevice, StaffAccount],
    task_modules=["kwika.modules.identity.tasks"],
    schedules=[
        Schedule("identity.purge_deleted_accounts", tasks.purge_deleted_accounts, lambda s: 3600)
    ],
    seeders=[demo_accounts],
    on_startup=[bootstrap_admin],
    # Notifications asks for contacts and names through its People protocol, and its
    # erasure is wired here: identity depends on notifications, never the reverse.
    provides={notifications.People: NotificationPeople()},
    receivers=[(signals.user_anonymised, notifications.erase_user)],
    tags=[
        {"name": "Auth", "description": "Sign-up, verification, sign-in, tokens, passwords"},
        {"name": "Users", "description": "Profiles and account settings"},
        {"name": "Settings: security", "description": "2FA, sessions, devices, connections"},
        {"name": "Admin: auth", "description": "Staff sign-in (TOTP is mandatory)"},
        {"name": "Admin: staff", "description": "Staff accounts (admins only)"},
    ],
)
