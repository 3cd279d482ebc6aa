from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules.notifications import tasks
from kwika.modules.notifications.documents import Delivery

module = ModuleSpec(
    name="notifications",
    documents=[Delivery],
    task_modules=["kwika.modules.notifications.tasks"],
    schedules=[Schedule("notifications.sweep_deliveries", tasks.sweep_deliveries, lambda s: 60)],
)
