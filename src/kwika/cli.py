"""The operator CLI, installed as ``kwika`` (also ``python scripts/kwika.py``)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kwika.config import Settings, get_settings

app = typer.Typer(help="Kwika operator commands.", no_args_is_help=True, add_completion=False)
SERVERS = ("uvicorn", "granian")
DEFAULT_SERVER = "uvicorn"
console = Console()
T = TypeVar("T")
ERROR_CODES_PAGE = Path("documents/error-codes.md")


def _run_with_runtime(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Start the process runtime (storage, Redis, broker), run ``work``, stop cleanly."""
    from kwika import bootstrap
    from kwika.core.broker import drain

    async def main() -> T:
        process = await bootstrap.start(
            settings, in_process_worker=settings.run_worker_in_process, run_scheduler=False
        )
        try:
            result = await work()
            if process.worker is not None:
                await drain()
            return result
        finally:
            await bootstrap.stop(process)

    return asyncio.run(main())


def _warn_if_ephemeral(settings: Settings) -> None:
    if settings.embedded_storage and not settings.embedded_data_file:
        console.print(
            "[yellow]Embedded storage without KWIKA_EMBEDDED_DATA_FILE: what this command "
            "writes is gone when it exits. Set KWIKA_MONGODB_URI or KWIKA_EMBEDDED_DATA_FILE."
        )


def _banner(settings: Settings, host: str, port: int) -> list[str]:
    """What a developer needs to know before the first request."""
    mode = "MongoDB" if settings.mongodb_uri else "embedded storage (mongomock)"
    base = settings.public_base_url.rstrip("/")
    origins = ", ".join(settings.allowed_origins) or "none (set KWIKA_CORS_ORIGINS)"
    lines = [
        f"[bold green]Kwika API[/] on {mode}, listening on {host}:{port}",
        f"API docs:    [bold]{base}/api/v1/docs[/]",
        f"OpenAPI:     {base}/api/v1/openapi.json",
        f"Public URL:  {base} (file, upload and unsubscribe links)",
        f"CORS:        {origins}",
        f"Defaults:    currency {settings.default_currency}, "
        f"phone region {settings.default_phone_region}",
    ]
    if settings.demo_data and settings.embedded_storage:
        lines.append("Demo data:   loaded (accounts use the password Kwika-Demo-2026)")
    if settings.outbox_path and settings.email.backend == "outbox":
        lines.append(f"Outgoing email/SMS are written to {settings.outbox_path}")
    return lines


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (needs MongoDB)")] = 1,
    server: Annotated[
        str, typer.Option(help="HTTP server: uvicorn or granian (documents/runbooks)")
    ] = DEFAULT_SERVER,
    demo: Annotated[
        bool, typer.Option(help="Load demo providers, services and conversations at start")
    ] = False,
) -> None:
    """Start the API on the configured storage, or the embedded default when none is set.
    Outside production an unset KWIKA_PUBLIC_BASE_URL follows --host/--port."""
    if server not in SERVERS:
        console.print(f"[red]Unknown server {server!r}: choose {' or '.join(SERVERS)}")
        raise typer.Exit(2)
    settings = get_settings()
    if workers > 1 and settings.embedded_storage:
        console.print("[red]Several processes need KWIKA_MONGODB_URI: embedded data is per process")
        raise typer.Exit(2)
    # The app (and every server worker) reads its settings from the environment.
    overrides = settings.served_at(host, port)
    if demo:
        overrides["KWIKA_DEMO_DATA"] = "true"
    if overrides:
        os.environ.update(overrides)
        get_settings.cache_clear()
        settings = get_settings()
    for line in _banner(settings, host, port):
        console.print(line)
    if server == "granian":
        _serve_granian(host, port, workers)
        return
    import uvicorn

    uvicorn.run(
        "kwika.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # client addresses come from KWIKA_TRUSTED_PROXIES
        server_header=False,
        access_log=False,  # kwika.access logs every request with its request id
        log_config=None,
    )


def _serve_granian(host: str, port: int, workers: int) -> None:
    try:
        from granian.constants import Interfaces
    except ImportError:
        console.print("[red]granian is not installed: pip install 'kwika[granian]'")
        raise typer.Exit(2) from None
    from granian.log import LogLevels
    from granian.server import Server

    Server(
        "kwika.asgi:create_app",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        websockets=True,  # Socket.IO's WebSocket transport
        log_access=False,  # kwika.access logs every request with its request id
        log_level=LogLevels.warning,
    ).serve()


@app.command()
def worker(
    processes: Annotated[int, typer.Option(help="Worker processes")] = 2,
    threads: Annotated[int, typer.Option(help="Threads per process")] = 4,
    queues: Annotated[
        list[str] | None,
        typer.Option(
            "--queue",
            "-Q",
            help="Consume only this queue (repeatable), e.g. notifications.sms; default: all",
        ),
    ] = None,
) -> None:
    """Run Dramatiq workers against KWIKA_REDIS_URL (production)."""
    from kwika import registry
    from kwika.core.broker import declared_queues

    settings = get_settings()
    if not settings.redis_url:
        console.print("[red]kwika worker needs KWIKA_REDIS_URL (the API's broker)")
        raise typer.Exit(2)
    registry.modules()  # imports every task module, so every queue is declared
    unknown = sorted(set(queues or ()) - declared_queues())
    if unknown:
        known = ", ".join(sorted(declared_queues()))
        console.print(f"[red]Unknown queue(s): {', '.join(unknown)}. Queues: {known}")
        raise typer.Exit(2)
    dramatiq = os.path.join(os.path.dirname(sys.executable), "dramatiq")
    arguments = [dramatiq, "kwika.worker", "--processes", str(processes), "--threads", str(threads)]
    if queues:
        arguments += ["--queues", *queues]
    os.execv(dramatiq, arguments)  # noqa: S606 - replaces this process with the worker


@app.command()
def seed(
    demo: Annotated[bool, typer.Option(help="Also create demo accounts and data")] = False,
) -> None:
    """Load reference data (idempotent); with --demo, demo data too."""
    from kwika import bootstrap
    from kwika.core.module import SeedContext

    settings = get_settings()
    _warn_if_ephemeral(settings)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, Any] = {}

        def report(description: str, done: int, total: int) -> None:
            if description not in tasks:
                tasks[description] = progress.add_task(description, total=total)
            progress.update(tasks[description], completed=done, total=total)

        results = _run_with_runtime(
            settings, lambda: bootstrap.seed(context=SeedContext(demo=demo, progress=report))
        )
    table = Table("seeder", "records written")
    for name, count in results.items():
        table.add_row(name, str(count))
    console.print(table)


@app.command("create-staff")
def create_staff(
    email: Annotated[str, typer.Option(prompt=True, help="Staff email")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    first_name: Annotated[str, typer.Option(prompt=True)],
    last_name: Annotated[str, typer.Option(prompt=True)],
    role: Annotated[str, typer.Option(help="admin, moderator, author or viewer")] = "admin",
) -> None:
    """Create a verified staff account (the first admin, typically)."""
    from kwika.core.errors import AppError
    from kwika.modules import activity
    from kwika.modules.identity.schemas import StaffCreateIn
    from kwika.modules.identity.services import staff

    settings = get_settings()
    _warn_if_ephemeral(settings)
    try:
        # Validated like a request body: ``role`` is checked against the staff roles here.
        data = StaffCreateIn.model_validate(
            {
                "email": email,
                "password": password,
                "first_name": first_name,
                "last_name": last_name,
                "role": role,
                "is_verified": True,
            }
        )
    except ValueError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(2) from None
    try:
        created = _run_with_runtime(settings, lambda: staff.create(data, activity.Actor("system")))
    except AppError as exc:
        details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
        console.print(f"[red]{exc.message}[/] {details}")
        raise typer.Exit(1) from None
    console.print(f"Created {created.role} {created.email}; TOTP is enrolled at first sign-in.")


@app.command()
def reindex() -> None:
    """Rebuild the search read model (listings) from providers and the catalogue."""
    from kwika.modules.discovery.reindex import reindex as rebuild

    settings = get_settings()
    _warn_if_ephemeral(settings)
    with Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.completed}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, Any] = {}

        def report(label: str, done: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=None)
            progress.update(tasks[label], completed=done)

        counts = _run_with_runtime(settings, lambda: rebuild(report))
    table = Table("listings", "count")
    for name, count in counts.items():
        table.add_row(name, str(count))
    console.print(table)


@app.command("ensure-indexes")
def ensure_indexes() -> None:
    """Create every index the documents declare (start-up does this too)."""
    from kwika import registry
    from kwika.core import runtime

    settings = get_settings()

    async def report() -> list[tuple[str, int]]:
        db = runtime.get().db
        rows = []
        for document in registry.documents():
            name = document.get_collection_name()
            rows.append((name, len(await db[name].index_information())))
        return rows

    rows = _run_with_runtime(settings, report)
    table = Table("collection", "indexes")
    for name, count in rows:
        table.add_row(name, str(count))
    console.print(table)


@app.command("error-codes")
def error_codes(
    output: Annotated[Path, typer.Option(help="Where to write the table")] = ERROR_CODES_PAGE,
) -> None:
    """Write the error-code table (documents/error-codes.md) from the modules' named errors."""
    from kwika import registry
    from kwika.core.error_codes import markdown

    output.write_text(markdown(registry.MODULE_NAMES), encoding="utf-8")
    console.print(f"Wrote {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
