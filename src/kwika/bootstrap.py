"""Starting and stopping a process's resources, shared by the API and the worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dramatiq

from kwika import registry
from kwika.config import Settings
from kwika.core import access, db, runtime, scheduler
from kwika.core.broker import build_broker
from kwika.core.embedded import persistence
from kwika.core.module import SeedContext
from kwika.core.redis import RedisEndpoint, resolve_endpoint
from kwika.core.runtime import Runtime
from kwika.core.security import Keyring, Passwords, random_token
from kwika.core.tokens import AccessTokens
from kwika.integrations import build_adapters

log = logging.getLogger(__name__)

DEV_SECRET_FILE = Path("var/secret.key")


def resolve_secret(settings: Settings) -> bytes:
    """The application secret; development keeps a generated one in ``var/secret.key``."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    if settings.is_production:
        raise RuntimeError("KWIKA_SECRET_KEY must be set in production")
    if not DEV_SECRET_FILE.exists():
        DEV_SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(DEV_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(random_token(48))
        log.warning(
            "KWIKA_SECRET_KEY is not set: generated a development key in %s", DEV_SECRET_FILE
        )
    return DEV_SECRET_FILE.read_text().strip().encode()


def jwt_keys(settings: Settings, keyring: Keyring) -> dict[str, str]:
    if settings.jwt.keys:
        return {kid: key.get_secret_value() for kid, key in settings.jwt.keys.items()}
    return {settings.jwt.active_kid: keyring.derive("jwt-signing", 64).hex()}


@dataclass
class Process:
    runtime: Runtime
    owns_redis: bool
    worker: dramatiq.Worker | None = None
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    background: list[asyncio.Task[Any]] = field(default_factory=list)


async def start(
    settings: Settings,
    *,
    in_process_worker: bool,
    redis_endpoint: RedisEndpoint | None = None,
    run_scheduler: bool = True,
    broker: dramatiq.Broker | None = None,
) -> Process:
    """Connect storage and Redis, bind actors, run start-up hooks; optionally run the worker
    in this process. ``broker`` is given by worker processes, which built theirs first."""
    if settings.is_production and (settings.embedded_storage or not settings.redis_url):
        raise RuntimeError(
            "KWIKA_MONGODB_URI and KWIKA_REDIS_URL must be set when KWIKA_ENVIRONMENT=production"
        )
    keyring = Keyring(
        resolve_secret(settings),
        [key.get_secret_value().encode() for key in settings.previous_secret_keys],
    )
    endpoint = redis_endpoint or resolve_endpoint(settings)
    mongo_client, database = db.connect(settings)
    if settings.embedded_storage and settings.embedded_data_file:
        await persistence.load(database, settings.embedded_data_file)
    await db.init_documents(database, registry.documents())
    loop = asyncio.get_running_loop()
    broker = broker or build_broker(
        endpoint.sync_client(),
        settings.broker_namespace,
        app_loop=loop if in_process_worker else None,
    )
    rt = Runtime(
        settings=settings,
        keyring=keyring,
        passwords=Passwords(settings.password_hash),
        tokens=AccessTokens(settings.jwt, jwt_keys(settings, keyring)),
        db=database,
        mongo_client=mongo_client,
        redis_endpoint=endpoint,
        redis=endpoint.async_client(),
        broker=broker,
        adapters=build_adapters(settings),
    )
    runtime.install(rt)
    process = Process(runtime=rt, owns_redis=redis_endpoint is None)
    for hook in registry.startup_hooks():
        await hook()
    if in_process_worker:
        process.worker = dramatiq.Worker(
            broker,
            worker_threads=settings.worker_threads,
            worker_timeout=settings.worker_idle_poll_ms,
        )
        process.worker.start()
    if run_scheduler:
        process.background.append(
            asyncio.create_task(
                scheduler.run(registry.schedules(), settings, process.stop_event),
                name="kwika-scheduler",
            )
        )
    if settings.embedded_storage and settings.embedded_data_file:
        process.background.append(
            asyncio.create_task(_save_periodically(process), name="kwika-embedded-save")
        )
    return process


async def stop(process: Process) -> None:
    rt = process.runtime
    process.stop_event.set()
    for task in process.background:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if process.worker is not None:
        # Worker threads may be waiting on coroutines of this loop: stop them off-loop.
        await asyncio.to_thread(process.worker.stop)
    await access.flush()  # views counted in memory must reach Redis before it closes
    if rt.settings.embedded_storage and rt.settings.embedded_data_file:
        count = await persistence.save(rt.db, rt.settings.embedded_data_file)
        log.info("Saved %d documents to %s", count, rt.settings.embedded_data_file)
    await rt.redis.aclose()
    if process.worker is not None or process.owns_redis:
        rt.broker.close()
    if process.owns_redis:
        rt.redis_endpoint.stop()
    runtime.install(None)


async def _save_periodically(process: Process) -> None:
    settings = process.runtime.settings
    assert settings.embedded_data_file is not None
    while not process.stop_event.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                process.stop_event.wait(), timeout=settings.embedded_save_interval_seconds
            )
        if not process.stop_event.is_set():
            try:
                await persistence.save(process.runtime.db, settings.embedded_data_file)
            except OSError:
                log.exception("could not save embedded data")


async def seed(demo: bool = False, context: SeedContext | None = None) -> dict[str, int]:
    """Run every module's seeders (idempotent); returns how many records each one wrote."""
    context = context or SeedContext(demo=demo)
    results = {}
    for module in registry.modules():
        for seeder in module.seeders:
            results[f"{module.name}.{seeder.__name__}"] = await seeder(context)
    return results
