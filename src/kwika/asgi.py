"""``create_app(settings)``: the ASGI application (Litestar behind the Socket.IO server).

``uvicorn --factory kwika.asgi:create_app`` serves it with settings from the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bson import ObjectId
from litestar import Litestar, Router, get
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

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
from kwika.core.openapi import KwikaOpenAPIConfig
from kwika.core.pagination import provide_page_params
from kwika.core.realtime import Gateway
from kwika.core.redis import RedisEndpoint

API_PREFIX = "/api/v1"
DOCS_PATH = f"{API_PREFIX}/docs"
# Swagger UI's files come from the swagger-ui-bundle-v2 package, so the docs work offline.
DOCS_ASSETS = f"{DOCS_PATH}/assets"

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

    # Litestar's OpenAPI router adds that catch-all as a handler on this path parameter.
    CATCH_ALL = "/{path:str}"

    def register(self, value: Any) -> Any:
        if isinstance(value, HTTPRouteHandler) and self.CATCH_ALL in value.paths:
            return []
        return super().register(value)


def _swagger() -> SwaggerRenderPlugin:
    return SwaggerRenderPlugin(
        path="/docs",
        js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{DOCS_ASSETS}/favicon-32x32.png'>",
    )


@get("/", include_in_schema=False, sync_to_thread=False)
def _home() -> dict[str, Any]:
    """Where a developer who opens the server's address should go next."""
    return {
        "success": True,
        "message": "Kwika API: the documentation is at /api/v1/docs",
        "data": {
            "docs": DOCS_PATH,
            "openapi": f"{API_PREFIX}/openapi.json",
            "health": "/health",
        },
    }


def _openapi(settings: Settings) -> KwikaOpenAPIConfig:
    return KwikaOpenAPIConfig(
        title=f"{settings.app_name} API",
        version=__version__,
        description=API_DESCRIPTION,
        path=API_PREFIX,
        openapi_router=_DocsRouter(API_PREFIX, route_handlers=[], include_in_schema=False),
        render_plugins=[_swagger()],
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
    openapi_config = _openapi(settings)
    app = Litestar(
        route_handlers=[
            api,
            Router(
                path="/",
                route_handlers=[*registry.root_route_handlers(), _home],
                include_in_schema=False,
            ),
            create_static_files_router(
                DOCS_ASSETS, directories=[swagger_ui_path], name="docs-assets"
            ),
        ],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[AuthenticationMiddleware()],
        openapi_config=openapi_config,
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
    openapi_config.attach(lambda: app.routes, API_PREFIX)
    # Socket.IO answers /socket.io/; everything else, lifespan included, reaches Litestar.
    # The edge is outermost so Socket.IO answers carry the security headers and request id.
    return EdgeMiddleware(
        gateway.asgi_app(app),
        parse_networks(settings.trusted_proxies),
        settings.hsts_max_age_seconds,
    )
