"""Staff authentication (`/admin/auth`) and staff management (`/admin/staff`)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from kwika.core.auth import Client, CurrentPrincipal, require_staff
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.pagination import Page, Paging
from kwika.modules import activity
from kwika.modules.identity.constants import StaffRole
from kwika.modules.identity.schemas import (
    ChallengeCodeIn,
    RefreshIn,
    StaffAuthOut,
    StaffChallengeOut,
    StaffCreateIn,
    StaffLoginIn,
    StaffOut,
    StaffUpdateIn,
    TokensOut,
)
from kwika.modules.identity.services import sessions, staff

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class StaffAuthController(Controller):
    path = "/admin/auth"
    tags = ["Admin: auth"]

    @post(
        "/login", status_code=200, summary="Staff sign-in (step 1)", responses=errors(401, 403, 429)
    )
    async def login(
        self, data: JSONBody[StaffLoginIn], client: Client
    ) -> Envelope[StaffChallengeOut]:
        """Staff always need TOTP. The first sign-in answers `totp_setup_required` with the
        secret, `otpauth://` URI and QR code to enrol; later ones answer
        `two_factor_required`. Both continue at `/admin/auth/2fa/verify`."""
        return ok(await staff.login(data.email, data.password, client), "Verification required")

    @post(
        "/2fa/verify", status_code=200, summary="Staff sign-in (step 2)", responses=errors(403, 429)
    )
    async def verify(
        self, data: JSONBody[ChallengeCodeIn], client: Client
    ) -> Envelope[StaffAuthOut]:
        """Completes sign-in (and TOTP enrolment) with a code from the authenticator app."""
        return ok(await staff.verify(data.challenge_token, data.code, client), "Login successful")

    @post("/refresh", status_code=200, summary="Refresh a staff token", responses=errors(401))
    async def refresh(self, data: JSONBody[RefreshIn]) -> Envelope[TokensOut]:
        """Same rotation and reuse detection as for users; user refresh tokens are refused."""
        return ok(await sessions.rotate(data.refresh_token, "staff"), "Token refreshed")

    @post(
        "/logout",
        status_code=200,
        guards=[require_staff()],
        security=BEARER,
        summary="Staff log out",
        responses=errors(401),
    )
    async def logout(self, principal: CurrentPrincipal) -> Envelope[None]:
        """Ends this staff session: its access and refresh tokens stop working at once."""
        await sessions.logout(principal)
        return ok(None, "Logged out successfully")

    @get(
        "/me",
        guards=[require_staff()],
        security=BEARER,
        summary="Signed-in staff member",
        responses=errors(401),
    )
    async def me(self, principal: CurrentPrincipal) -> Envelope[StaffOut]:
        """The signed-in staff member: role, verification and 2FA state."""
        return ok(await staff.me(principal), "Staff member retrieved")


class StaffController(Controller):
    path = "/admin/staff"
    tags = ["Admin: staff"]
    guards = [require_staff("admin")]
    security = BEARER

    @get("/", summary="List staff", responses=errors(401, 403))
    async def list_staff(
        self,
        paging: Paging,
        role: Annotated[StaffRole | None, QueryParameter(name="role")] = None,
        is_active: Annotated[bool | None, QueryParameter(name="is_active")] = None,
    ) -> Envelope[Page[StaffOut]]:
        """Admins only."""
        return ok(await staff.list_staff(paging, role, is_active), "Staff retrieved")

    @post("/", summary="Create a staff account", responses=errors(401, 403, 409))
    async def create_staff(
        self, principal: CurrentPrincipal, data: JSONBody[StaffCreateIn], client: Client
    ) -> Envelope[StaffOut]:
        """Roles: `admin`, `moderator`, `author`, `viewer`. The new member enrols TOTP at
        their first sign-in; unless `is_verified` is true an admin must verify them first."""
        created = await staff.create(data, activity.Actor("staff", principal.id), client.ip)
        return ok(StaffOut.of(created), "Staff member created")

    @get("/{staff_id:str}", summary="Get a staff member", responses=errors(401, 403, 404))
    async def get_staff(self, staff_id: FromPath[str]) -> Envelope[StaffOut]:
        """One staff member; unknown or malformed ids are 404."""
        return ok(await staff.get_one(staff_id), "Staff member retrieved")

    @patch(
        "/{staff_id:str}",
        summary="Change role, verify or deactivate",
        responses=errors(401, 403, 404, 409),
    )
    async def update_staff(
        self,
        principal: CurrentPrincipal,
        staff_id: FromPath[str],
        data: JSONBody[StaffUpdateIn],
        client: Client,
    ) -> Envelope[StaffOut]:
        """Role and activation changes end the member's sessions so they apply at once.
        You cannot change your own role or deactivate yourself, and the last active admin
        stays an admin. `reset_two_factor` makes them enrol a new authenticator."""
        return ok(await staff.update(principal, staff_id, data, client), "Staff member updated")
