from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules.identity.signals import user_anonymised
from kwika.modules.notifications import erasure, tasks
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
    receivers=[(user_anonymised, erasure.erase_user)],
    tags=[
        {
            "name": "Notifications",
            "description": "In-app notifications, channel preferences, push devices",
        }
    ],
)
