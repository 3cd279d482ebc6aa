import httpx
import pytest
from asgi_lifespan import LifespanManager
from typer.testing import CliRunner

from kwika.asgi import create_app
from kwika.cli import app as cli
from kwika.config import get_settings
from tests.conftest import make_settings
from tests.support import Staff, staff_sign_in


@pytest.fixture
def cli_env(tmp_path, monkeypatch, redis_endpoint):
    data_file = tmp_path / "data.json"
    monkeypatch.setenv("KWIKA_EMBEDDED_DATA_FILE", str(data_file))
    monkeypatch.setenv("KWIKA_SECRET_KEY", "test-secret-key-0123456789-abcdefghijklmnop")
    monkeypatch.setenv("KWIKA_OUTBOX_PATH", str(tmp_path / "outbox.jsonl"))
    monkeypatch.setenv("KWIKA_PASSWORD_HASH__TIME_COST", "1")
    monkeypatch.setenv("KWIKA_PASSWORD_HASH__MEMORY_COST_KIB", "1024")
    if redis_endpoint.url:
        monkeypatch.setenv("KWIKA_REDIS_URL", redis_endpoint.url)
    get_settings.cache_clear()
    yield data_file
    get_settings.cache_clear()


def test_create_staff_bootstraps_an_admin_that_can_sign_in(cli_env, tmp_path, redis_endpoint):
    result = CliRunner().invoke(
        cli,
        [
            "create-staff",
            "--email",
            "root@kwika-staff.example.com",
            "--password",
            "Root-Pass-2026!",
            "--first-name",
            "Root",
            "--last-name",
            "Admin",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Created admin root@kwika-staff.example.com" in result.output
    assert cli_env.exists()

    async def sign_in() -> str:
        app = create_app(
            make_settings(tmp_path, embedded_data_file=cli_env), redis_endpoint=redis_endpoint
        )
        async with (
            LifespanManager(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
            ) as http,
        ):
            staff = await staff_sign_in(
                http, Staff("root@kwika-staff.example.com", "Root-Pass-2026!")
            )
            return (await http.get("/admin/auth/me", headers=staff.headers)).json()["data"]["role"]

    import asyncio

    assert asyncio.run(sign_in()) == "admin"


def test_create_staff_rejects_a_weak_password(cli_env):
    result = CliRunner().invoke(
        cli,
        [
            "create-staff",
            "--email",
            "weak@kwika-staff.example.com",
            "--password",
            "password",
            "--first-name",
            "Weak",
            "--last-name",
            "Admin",
        ],
    )
    assert result.exit_code == 2
    assert "Password" in result.output


def test_ensure_indexes_reports_every_collection(cli_env):
    result = CliRunner().invoke(cli, ["ensure-indexes"])
    assert result.exit_code == 0, result.output
    for collection in (
        "users",
        "auth_sessions",
        "refresh_tokens",
        "staff_accounts",
        "activity_logs",
        "deliveries",
    ):
        assert collection in result.output


def test_seed_runs_every_seeder(cli_env):
    result = CliRunner().invoke(cli, ["seed"])
    assert result.exit_code == 0, result.output
    assert "records written" in result.output


def test_worker_needs_a_redis_url(cli_env, monkeypatch):
    monkeypatch.delenv("KWIKA_REDIS_URL", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["worker"])
    assert result.exit_code == 2
    assert "KWIKA_REDIS_URL" in result.output


def test_worker_runs_dramatiq_on_the_chosen_queues(cli_env, monkeypatch):
    monkeypatch.setenv("KWIKA_REDIS_URL", "redis://127.0.0.1:6399/0")
    get_settings.cache_clear()
    started: list[list[str]] = []
    monkeypatch.setattr("kwika.cli.os.execv", lambda _path, args: started.append(args))

    unknown = CliRunner().invoke(cli, ["worker", "--queue", "notifications.fax"])
    assert unknown.exit_code == 2
    assert "Unknown queue(s): notifications.fax" in unknown.output
    assert "notifications.sms" in unknown.output

    chosen = CliRunner().invoke(cli, ["worker", "-Q", "notifications.sms", "-Q", "default"])
    assert chosen.exit_code == 0, chosen.output
    assert started[-1][1:] == [
        "kwika.worker", "--processes", "2", "--threads", "4",
        "--queues", "notifications.sms", "default",
    ]  # fmt: skip


def test_seed_demo_creates_demo_accounts_once(cli_env, tmp_path, redis_endpoint):
    from bson import json_util

    from kwika.modules.identity.seed import DEMO_PASSWORD

    for _ in range(2):
        result = CliRunner().invoke(cli, ["seed", "--demo"])
        assert result.exit_code == 0, result.output
    snapshot = json_util.loads(cli_env.read_text())["collections"]
    emails = sorted(user["email"] for user in snapshot["users"])
    assert emails == [
        "demo.client@kwika.example.com",
        "demo.craftsman@kwika.example.com",
        "demo.guide@kwika.example.com",
        "demo.vendor@kwika.example.com",
    ]
    assert [s["email"] for s in snapshot["staff_accounts"]] == ["demo.admin@kwika.example.com"]

    async def sign_in() -> int:
        app = create_app(
            make_settings(tmp_path, embedded_data_file=cli_env), redis_endpoint=redis_endpoint
        )
        async with (
            LifespanManager(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
            ) as http,
        ):
            response = await http.post(
                "/auth/signin", json={"credential": "democlient", "password": DEMO_PASSWORD}
            )
            return response.status_code

    import asyncio

    assert asyncio.run(sign_in()) == 200


def test_reindex_rebuilds_listings_and_drops_stale_ones(cli_env):
    from datetime import UTC, datetime

    from bson import ObjectId, json_util

    assert CliRunner().invoke(cli, ["seed"]).exit_code == 0
    snapshot = json_util.loads(cli_env.read_text())
    stale = {"_id": ObjectId(), "kind": "service", "indexed_at": datetime(2020, 1, 1, tzinfo=UTC)}
    snapshot["collections"].setdefault("listings", []).append(stale)
    cli_env.write_text(json_util.dumps(snapshot))

    result = CliRunner().invoke(cli, ["reindex"])

    assert result.exit_code == 0, result.output
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in result.output.splitlines()
        if line.count("│") == 3
    }
    assert rows["removed"] == "1"
    assert rows["services"] == "0"
    listings = json_util.loads(cli_env.read_text())["collections"].get("listings", [])
    assert stale["_id"] not in [row["_id"] for row in listings]
