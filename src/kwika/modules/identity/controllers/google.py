"""Sign in with Google: browser code flow (state + PKCE) and mobile ID tokens."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post, route
from litestar.params import JSONBody, QueryParameter
from pydantic import Field

from kwika.core.auth import Client, OptionalPrincipal
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.openapi import described
from kwika.core.schemas import RequestSchema
from kwika.modules.identity.schemas import AuthOut, ChallengeOut, GoogleLoginOut, ProfileOut
from kwika.modules.identity.services import google
from kwika.modules.identity.services.signin import with_device_id


class GoogleTokenIn(RequestSchema):
    id_token: str = Field(min_length=20, max_length=8192)
    remember_me: bool = False
    device_id: str | None = Field(default=None, max_length=128)


class GoogleController(Controller):
    path = "/auth/google"
    tags = ["Auth"]

    @route(
        "/login",
        http_method=["GET", "POST"],
        status_code=200,
        summary="Start Google sign-in",
        responses=errors(503),
        opt=described(canonical="GET /login"),
    )
    async def login(self) -> Envelope[GoogleLoginOut]:
        """Answers Google's authorization URL (with `state`, a PKCE challenge and a nonce).
        Send the browser there; Google returns it to `/auth/google/callback`."""
        return ok(await google.start(), "Redirect to Google")

    @get("/callback", summary="Google sign-in callback", responses=errors(401, 403, 503))
    async def callback(
        self,
        client: Client,
        viewer: OptionalPrincipal,
        code: Annotated[str | None, QueryParameter(name="code")] = None,
        oauth_state: Annotated[str | None, QueryParameter(name="state")] = None,
        error: Annotated[str | None, QueryParameter(name="error")] = None,
    ) -> Envelope[AuthOut | ChallengeOut | ProfileOut]:
        """Exchanges the code, verifies Google's ID token, then signs in: an existing
        account is matched by Google id or verified email (and linked), otherwise one is
        created. Answers like `/auth/signin`.

        Set Google's redirect URI to your front-end page, which relays `code` and `state`
        here. For a connect started from settings, send the user's access token too: it must
        be the account that started the connection; the answer is the updated profile."""
        return ok(
            await google.callback(code, oauth_state, error, client, viewer), "Login successful"
        )

    @post(
        "/token",
        status_code=200,
        summary="Sign in with a Google ID token (mobile)",
        responses=errors(401, 403, 503),
    )
    async def token(
        self, data: JSONBody[GoogleTokenIn], client: Client
    ) -> Envelope[AuthOut | ChallengeOut]:
        """For mobile apps that obtained an ID token from Google themselves."""
        return ok(
            await google.token_sign_in(
                data.id_token, data.remember_me, with_device_id(client, data.device_id)
            ),
            "Login successful",
        )
