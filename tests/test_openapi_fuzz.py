"""A short schemathesis run over the whole OpenAPI document, in process (``scripts/fuzz.sh``
is the long one, over HTTP): a few generated requests per operation, as a signed-in user,
answer no server error and nothing the document does not describe."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kwika.asgi import create_app
from kwika.core.redis import RedisEndpoint
from tests.conftest import make_settings

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")

PASSWORD = "Kwika-Fuzz-2026"
EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Logging out would leave every later case with a revoked token; Google sign-in is not
# configured here (its routes answer the documented 503 GOOGLE_NOT_CONFIGURED).
SKIPPED = ("/api/v1/auth/logout", "/api/v1/auth/google/")


def _code(outbox: Path, email: str) -> str:
    for _ in range(150):
        lines = outbox.read_text().splitlines() if outbox.exists() else []
        bodies = [json.loads(line).get("body", "") for line in lines if email in line]
        codes = [c for body in bodies for c in re.findall(r"\b(\d{6})\b", body)]
        if codes:
            return codes[-1]
        time.sleep(0.1)
    raise AssertionError(f"no code for {email} in {outbox}")


@pytest.fixture
def fuzzed(_clean_state: None, tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """The app (its own Redis: the suite flushes the shared one between tests) and the
    access token of a verified user. Started after the per-test reset, which points the
    process at the session app: this app's start-up then points it at this one."""
    root = tmp_path
    app = create_app(
        make_settings(root),
        redis_endpoint=RedisEndpoint(fake_server=fakeredis.FakeServer(), kind="fakeredis"),
    )
    email = "fuzz@example.com"
    with asgi.get_client(app) as http:
        created = http.post(
            "/api/v1/users/signup",
            json={
                "first_name": "Fuzz",
                "last_name": "Tester",
                "email": email,
                "password": PASSWORD,
            },
        )
        assert created.status_code == 201, created.text
        verified = http.post(
            "/api/v1/users/verify-otp",
            json={
                "user_id": created.json()["data"]["id"],
                "verification_type": "email",
                "otp_code": _code(root / "outbox.jsonl", email),
            },
        )
        assert verified.status_code == 200, verified.text
        signed_in = http.post(
            "/api/v1/auth/signin", json={"credential": email, "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["data"]["access_token"]
    yield app, token
    asgi.shutdown_lifespans()


def test_api_answers_as_documented(fuzzed: tuple[Any, str]) -> None:
    app, token = fuzzed
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(SKIPPED):
            continue
        tested += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def answers_as_documented(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            answers_as_documented()
        except Exception as failure:  # every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert tested > 150
    assert not failures, "\n\n".join(failures)
