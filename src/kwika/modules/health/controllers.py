"""``GET /health`` (liveness) and ``GET /health/ready`` (dependencies)."""

from __future__ import annotations

from litestar import Controller, get

from kwika.core.envelope import Envelope, errors, ok
from kwika.modules.health import service
from kwika.modules.health.schemas import Liveness, Readiness


class HealthController(Controller):
    path = "/health"
    tags = ["Health"]

    @get("/", summary="Liveness probe", responses=errors())
    async def live(self) -> Envelope[Liveness]:
        """Answers 200 while the process can serve requests. Checks no dependency."""
        return ok(Liveness(), "Alive")

    @get("/ready", summary="Readiness probe", responses=errors(503))
    async def ready(self) -> Envelope[Readiness]:
        """Checks MongoDB, Redis and the task broker. 503 names each failing dependency in
        `data.failing` (with the reason in `data.checks`)."""
        return ok(await service.ready(), "Ready")
