"""Notification endpoints: the in-app list, preferences, push devices, unsubscribe."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, delete, get, patch, post, put
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core import runtime
from kwika.core.auth import CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.errors import AppError
from kwika.core.pagination import Paging
from kwika.modules.notifications import preferences, rendering, service
from kwika.modules.notifications.schemas import (
    MarkedOut,
    MarkReadIn,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
    PushTokenIn,
    PushTokenOut,
    ReadOut,
    SettingsNotificationsOut,
    UnreadCountOut,
    UnsubscribedOut,
)

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]
TAGS = ["Notifications"]


class NotificationController(Controller):
    path = "/notifications"
    tags = TAGS
    guards = [require_user]
    security = BEARER

    @get("/", summary="My notifications", responses=errors(401))
    async def list_notifications(
        self,
        principal: CurrentPrincipal,
        paging: Paging,
        unread_only: Annotated[
            bool, QueryParameter(name="unread_only", description="Only unread ones")
        ] = False,
        type_: Annotated[
            str | None,
            QueryParameter(name="type", description="One notification type; `all` for every"),
        ] = None,
    ) -> Envelope[NotificationPage]:
        # Seed 003 12.1; reference_type/reference_id per seed 003 12.1.1.
        """Newest first. `summary` counts all of the user's notifications
        and the unread ones, whatever the filters. Each item has `reference_type` and
        `reference_id` to navigate to and the `actor` who caused it (the
        application itself, `is_system: true`, for system and broadcast notifications).
        New ones also arrive live as the Socket.IO `notification` event."""
        return ok(
            await service.list_for(principal, paging, unread_only, type_),
            "Notifications retrieved",
        )

    @get("/unread-count", summary="How many are unread", responses=errors(401))
    async def unread(self, principal: CurrentPrincipal) -> Envelope[UnreadCountOut]:
        """For the badge; the Socket.IO `notifications_read` event carries the same number."""
        count = await service.unread_count(principal.id)
        return ok(UnreadCountOut(unread_count=count, unread=count), "Unread count")

    @patch("/read-all", summary="Mark all as read", responses=errors(401))
    async def read_all(self, principal: CurrentPrincipal) -> Envelope[MarkedOut]:
        # Seed 003 12.3.
        """`marked_count` is how many were unread."""
        return ok(await service.mark_many_read(principal, None), "All notifications marked as read")

    @post("/mark-read", status_code=200, summary="Mark several as read", responses=errors(401))
    async def mark_several(
        self, principal: CurrentPrincipal, data: JSONBody[MarkReadIn]
    ) -> Envelope[MarkedOut]:
        # Seed 001 5.11.
        """`{"ids": [...]}` (up to 100; `notification_ids` also works).
        Without `ids`, every notification is marked read. Ids that are not yours are
        ignored; malformed ids are a 400."""
        return ok(await service.mark_many_read(principal, data.ids), "Notifications marked as read")

    @patch("/{notification_id:str}/read", summary="Mark one as read", responses=errors(401, 404))
    async def read_one(
        self, principal: CurrentPrincipal, notification_id: FromPath[str]
    ) -> Envelope[ReadOut]:
        # Seed 003 12.2.
        """Marking an already-read notification answers the same (its
        first `read_at`). Another user's notification is 404."""
        return ok(
            await service.mark_read(principal, notification_id), "Notification marked as read"
        )

    @delete(
        "/{notification_id:str}",
        status_code=200,
        summary="Delete a notification",
        responses=errors(401, 404),
    )
    async def delete_one(
        self, principal: CurrentPrincipal, notification_id: FromPath[str]
    ) -> Envelope[None]:
        # Seed 003 12.4.
        """Another user's notification is 404."""
        await service.delete(principal, notification_id)
        return ok(None, "Notification deleted")

    @get("/preferences", summary="My notification preferences", responses=errors(401))
    async def get_preferences(self, principal: CurrentPrincipal) -> Envelope[PreferencesOut]:
        # Seed 003 12.5.
        """One switch per channel (`enabled`) and per category of types;
        quiet hours (`start`/`end` local `HH:MM`, IANA `timezone`) hold back push, SMS,
        email and WhatsApp until they end, except security messages. The in-app list
        always receives every notification."""
        return ok(await preferences.get(principal.id), "Preferences retrieved")

    @put("/preferences", summary="Change my notification preferences", responses=errors(401))
    async def put_preferences(
        self, principal: CurrentPrincipal, data: JSONBody[PreferencesIn]
    ) -> Envelope[PreferencesOut]:
        # Seed 003 12.6; the alternative names are seed 003 19.1's.
        """Send only what changes (deep merge), e.g.
        `{"email": {"messages": false}, "quiet_hours": {"enabled": true, "start": "21:00"}}`.
        The settings-form names are accepted too (`rsvp_updates`, `payment_confirmations`,
        `start_time`/`end_time`, `weekly_digest`). Unknown keys are a 400. Answers the
        whole updated document."""
        document, _ = await preferences.update(principal.id, data)
        return ok(document, "Preferences updated")

    @get("/push-tokens", summary="My push devices", responses=errors(401))
    async def list_push_tokens(self, principal: CurrentPrincipal) -> Envelope[list[PushTokenOut]]:
        """Devices registered for push notifications, most recently seen first."""
        return ok(await service.list_devices(principal), "Push tokens retrieved")

    @post("/push-tokens", summary="Register a push device", responses=errors(401))
    async def register_push_token(
        self, principal: CurrentPrincipal, data: JSONBody[PushTokenIn]
    ) -> Envelope[PushTokenOut]:
        """Send the FCM registration token after sign-in and whenever FCM rotates it.
        Registering a token again refreshes it; a token registered by another account
        moves to this one (the device changed hands). An account keeps its 10 most
        recent devices. Tokens FCM reports as unregistered are dropped automatically."""
        return ok(await service.register_device(principal, data), "Push token registered")

    @delete(
        "/push-tokens/{token:str}",
        status_code=200,
        summary="Remove a push device",
        responses=errors(401, 404),
    )
    async def remove_push_token(
        self, principal: CurrentPrincipal, token: FromPath[str]
    ) -> Envelope[None]:
        """Call it on sign-out so the device stops receiving this account's pushes."""
        await service.remove_device(principal, token)
        return ok(None, "Push token removed")


UnsubscribeToken = Annotated[
    str,
    QueryParameter(name="token", max_length=2048, description="The token of the emailed link"),
]
# The unsubscribe pages: never cached or indexed, no scripts, and the form may only post
# back here (core.edge adds the framing and referrer policies of every response).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'"
    ),
}
PAGE_ERRORS = {
    400: ResponseSpec(
        data_container=str,
        media_type=MediaType.HTML,
        description="An HTML page: the link is not valid (tampered or truncated)",
        generate_examples=False,
    ),
    410: ResponseSpec(
        data_container=str,
        media_type=MediaType.HTML,
        description="An HTML page: the link has expired",
        generate_examples=False,
    ),
}
_HEADINGS = {
    "confirm": "Unsubscribe",
    "done": "You are unsubscribed",
    "error": "This link cannot be used",
}


def _page(state: str, status_code: int, **context: Any) -> Response[Any]:
    settings = runtime.get().settings
    category = context.pop("category", None)
    html = rendering.page(
        rendering.UNSUBSCRIBE_PAGE,
        {
            "app_name": settings.app_name,
            "heading": _HEADINGS[state],
            "state": state,
            "token": "",
            "message": "",
            "category_label": (category or "").replace("_", " "),
            "preferences_url": f"{settings.frontend_url.rstrip('/')}/settings/notifications",
            **context,
        },
    )
    return Response(html, status_code=status_code, media_type=MediaType.HTML, headers=PAGE_HEADERS)


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    """A browser submitting the page's form; mail clients and API calls get JSON."""
    return request.accept.best_match([MediaType.JSON, MediaType.HTML]) == MediaType.HTML


class UnsubscribeController(Controller):
    path = "/notifications/unsubscribe"
    tags = TAGS

    @get(
        "/",
        summary="Unsubscribe page (the emailed link)",
        media_type=MediaType.HTML,
        responses=PAGE_ERRORS,
    )
    async def unsubscribe_page(self, token: UnsubscribeToken) -> Response[str]:
        """The link at the bottom of notification emails (no sign-in needed). Opening it
        changes nothing, since mail scanners open links too: it answers an HTML page naming
        the category of email with an "Unsubscribe" button that POSTs to the same URL. A
        tampered link answers a 400 page, an expired one a 410 page."""
        try:
            target = service.unsubscribe_target(token)
        except AppError as exc:
            return _page("error", exc.status_code, message=exc.message)
        return _page("confirm", 200, token=token, category=target.category)

    @post(
        "/",
        status_code=200,
        summary="Unsubscribe (the page's button, RFC 8058 one-click)",
        responses=errors(410),
    )
    async def unsubscribe(
        self, request: Request[Any, Any, Any], token: UnsubscribeToken
    ) -> Response[Envelope[UnsubscribedOut]]:
        """Switches that category of email off in the recipient's preferences; doing it
        again changes nothing. Mail clients call it for the `List-Unsubscribe-Post:
        List-Unsubscribe=One-Click` header of notification emails (RFC 8058), with the
        form body `List-Unsubscribe=One-Click`; no body is needed. Answers `{channel,
        category}`, or an HTML page when the client asks for HTML (the page's form). 400
        `INVALID_TOKEN` for a tampered link, 410 `LINK_EXPIRED` for an old one."""
        if _wants_html(request):
            try:
                done = await service.unsubscribe(token)
            except AppError as exc:
                return _page("error", exc.status_code, message=exc.message)
            return _page("done", 200, category=done.category)
        return Response(ok(await service.unsubscribe(token), "You have been unsubscribed"))


class NotificationSettingsController(Controller):
    path = "/settings/notifications"
    tags = TAGS
    guards = [require_user]
    security = BEARER

    # Seed 003 19.2's form of the preferences.
    @get("/", summary="My notification settings", responses=errors(401))
    async def get_settings(self, principal: CurrentPrincipal) -> Envelope[SettingsNotificationsOut]:
        """The same document as `GET /notifications/preferences`, wrapped as
        `{notifications, updated_at}`."""
        document, updated_at = await preferences.effective(principal.id)
        return ok(
            SettingsNotificationsOut(
                notifications=PreferencesOut.model_validate(document), updated_at=updated_at
            ),
            "Notification settings retrieved",
        )

    @put("/", summary="Update my notification settings", responses=errors(401))
    async def put_settings(
        self, principal: CurrentPrincipal, data: JSONBody[PreferencesIn]
    ) -> Envelope[SettingsNotificationsOut]:
        # Seed 003 19.2.
        """The same deep merge as `PUT /notifications/preferences`."""
        document, updated_at = await preferences.update(principal.id, data)
        return ok(
            SettingsNotificationsOut(notifications=document, updated_at=updated_at),
            "Notification settings updated successfully",
        )


CONTROLLERS = [NotificationController, UnsubscribeController, NotificationSettingsController]
