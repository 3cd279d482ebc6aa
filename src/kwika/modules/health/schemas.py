"""Probe responses."""

from __future__ import annotations

from typing import Literal

from kwika.core.schemas import ResponseSchema


class Liveness(ResponseSchema):
    status: Literal["ok"] = "ok"


class Readiness(ResponseSchema):
    status: Literal["ready"] = "ready"
    checks: dict[str, str]
