from kwika.core.module import ModuleSpec
from kwika.modules.health.controllers import HealthController

module = ModuleSpec(
    name="health",
    route_handlers=[HealthController],
    root_route_handlers=[HealthController],
    tags=[{"name": "Health", "description": "Liveness and readiness probes"}],
)
