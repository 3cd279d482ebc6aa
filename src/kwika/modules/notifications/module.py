from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules.notifications import constants, tasks
from kwika.modules.notifications.controllers import CONTROLLERS
from kwika.modules.notifications.documents import (
    Delivery,
    Notification,
    NotificationPreferences,
    PushDevice,
)

module = ModuleSpec(
    name="notifications",
    route_handlers=CONTROLLERS,
    documents=[Notification, Delivery, NotificationPreferences, PushDevice],
    task_modules=["kwika.modules.notifications.tasks"],
    schedules=[Schedule("notifications.sweep_deliveries", tasks.sweep_deliveries, lambda s: 60)],
    # Erasure on identity.user_anonymised is wired by identity's spec: identity depends on
    # notifications, so notifications never imports identity.
    notification_types=constants.BUILTIN_TYPES,
    whatsapp_templates=constants.BUILTIN_WHATSAPP_TEMPLATES,
    notification_templates=[constants.TEMPLATES],
    tags=[
        {
            "name": "Notifications",
            "description": "In-app notifications, channel preferences, push devices",
        }
    ],
)
