from kwika.core.module import ModuleSpec
from kwika.modules.activity.controllers import ActivityController
from kwika.modules.activity.documents import ActivityLog

module = ModuleSpec(
    name="activity",
    route_handlers=[ActivityController],
    documents=[ActivityLog],
    tags=[{"name": "Admin: activity log", "description": "Who did what, when (admins only)"}],
)
