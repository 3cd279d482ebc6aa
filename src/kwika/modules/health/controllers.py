"""``GET /health`` (liveness) and ``GET /health/ready`` (dependencies)."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, get
from pydantic import BaseModel

from kwika.core.envelope import Envelope, errors, ok
from kwika.core.errors import AppError
from kwika.modules.health import service


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, str]


class NotReady(AppError):
    status_code = 503
    code = "NOT_READY"


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
        results = await service.readiness()
        failing = sorted(name for name, problem in results.items() if problem)
        checks = {name: problem or "ok" for name, problem in results.items()}
        if failing:
            raise NotReady(
                f"Not ready: {', '.join(failing)} unavailable",
                data={"failing": failing, "checks": checks},
            )
        return ok(Readiness(checks=checks), "Ready")
