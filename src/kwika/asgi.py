"""``create_app(settings)``: the ASGI application (Litestar behind the Socket.IO server).

``uvicorn --factory kwika.asgi:create_app`` serves it with settings from the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bson import ObjectId
from litestar import Litestar, Router
from litestar._openapi.plugin import handle_schema_path_not_found
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag

from kwika import __version__, bootstrap, registry
from kwika.config import Settings, get_settings
from kwika.core import logging as kwika_logging
from kwika.core.auth import (
    AuthenticationMiddleware,
    provide_client,
    provide_optional_principal,
    provide_principal,
)
from kwika.core.edge import EdgeMiddleware
from kwika.core.exception_handlers import EXCEPTION_HANDLERS
from kwika.core.net import parse_networks
from kwika.core.pagination import provide_page_params
from kwika.core.realtime import Gateway
from kwika.core.redis import RedisEndpoint

API_PREFIX = "/api/v1"

API_DESCRIPTION = """
Kwika is one backend for an events & services marketplace.

* Every response is an envelope: `{"success": true, "message": "...", "data": ...}`.
  Errors are `{"success": false, "message", "code", "errors": [{"field", "message"}], "data"}`.
* Authenticate with `Authorization: Bearer <access_token>`. Access tokens live 15 minutes;
  use `POST /api/v1/auth/refresh` with the refresh token (which rotates on every use).
* Request bodies accept snake_case and camelCase keys; responses are snake_case.
* Lists take `page` (from 1) and `limit` (1-100) and answer `{items, pagination}`.
* Ids are 24-hex strings; timestamps are ISO 8601 UTC ending in `Z`.
* Staff routes live under `/api/v1/admin` and need a staff token.
"""


class _DocsRouter(Router):
    """Serves the docs under /api/v1 without Litestar's HTML catch-all for unknown paths,
    so a mistyped API path still gets the JSON 404 envelope."""

    def register(self, value: Any) -> Any:
        if getattr(value, "fn", None) is handle_schema_path_not_found:
            return []
        return super().register(value)


def _openapi(settings: Settings) -> OpenAPIConfig:
    return OpenAPIConfig(
        title=f"{settings.app_name} API",
        version=__version__,
        description=API_DESCRIPTION,
        path=API_PREFIX,
        openapi_router=_DocsRouter(API_PREFIX, route_handlers=[], include_in_schema=False),
        render_plugins=[SwaggerRenderPlugin(path="/docs")],
        use_handler_docstrings=True,
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="A user access token (or a staff token on /admin routes)",
                )
            }
        ),
        tags=[Tag(name=t["name"], description=t["description"]) for t in registry.openapi_tags()],
    )


def create_app(
    settings: Settings | None = None, *, redis_endpoint: RedisEndpoint | None = None
) -> Any:
    """Build the application. ``redis_endpoint`` lets tests share one Redis across apps."""
    settings = settings or get_settings()
    kwika_logging.configure(settings.log_level, settings.log_json)
    registry.modules()  # modules declare their actors and Socket.IO handlers on import
    gateway = Gateway(settings)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        process = await bootstrap.start(
            settings,
            in_process_worker=settings.run_worker_in_process,
            redis_endpoint=redis_endpoint,
            run_scheduler=settings.scheduler_enabled,
        )
        try:
            if settings.embedded_storage:
                await bootstrap.seed(demo=settings.demo_data)
            await gateway.start()
            try:
                yield
            finally:
                await gateway.stop()
        finally:
            await bootstrap.stop(process)

    api = Router(
        path=API_PREFIX,
        route_handlers=registry.route_handlers(),
        dependencies={
            "paging": Provide(provide_page_params),
            "principal": Provide(provide_principal),
            "viewer": Provide(provide_optional_principal),
            "client": Provide(provide_client),
        },
    )
    app = Litestar(
        route_handlers=[
            api,
            Router(
                path="/", route_handlers=registry.root_route_handlers(), include_in_schema=False
            ),
        ],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[AuthenticationMiddleware()],
        openapi_config=_openapi(settings),
        cors_config=CORSConfig(
            allow_origins=settings.allowed_origins,
            allow_credentials=True,
            allow_headers=["Authorization", "Content-Type", "X-Device-Id", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
        if settings.allowed_origins
        else None,
        # Handlers with opt={"skip_compression": True} (stored files: images and videos are
        # compressed already, and gzipping a 50 MB video costs CPU for nothing).
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1024, exclude_opt_key="skip_compression"
        ),
        request_max_body_size=settings.max_body_size_bytes,
        type_encoders={ObjectId: str},
        debug=False,
        logging_config=None,
    )
    edge = EdgeMiddleware(
        app, parse_networks(settings.trusted_proxies), settings.hsts_max_age_seconds
    )
    # Socket.IO answers /socket.io/; everything else, lifespan included, reaches Litestar.
    return gateway.asgi_app(edge)
