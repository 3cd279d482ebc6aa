"""The signed-in user's profile, contacts, password and account; public profiles."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.forms import FormAsJson
from kwika.core.openapi import described
from kwika.modules.identity.schemas import (
    ChangePasswordIn,
    CodeIn,
    DeleteAccountIn,
    DeletionOut,
    PendingContactOut,
    ProfileOut,
    ProfileUpdateIn,
    PublicUserOut,
    SetPasswordIn,
    UpdateEmailIn,
    UpdatePhoneIn,
)
from kwika.modules.identity.services import passwords, profile

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class ProfileController(Controller):
    path = "/users"
    tags = ["Users"]
    guards = [require_user]
    security = BEARER

    @get(
        ["/profile", "/me"],
        opt=described(canonical="/profile"),
        summary="My profile",
        responses=errors(401),
    )
    async def get_profile(self, principal: CurrentPrincipal) -> Envelope[ProfileOut]:
        # Seed 003 13.1.
        """Everything about the signed-in user, including counters."""
        return ok(await profile.get_profile(principal), "Profile retrieved successfully")

    @put(
        ["/profile", "/me"],
        opt=described(canonical="/profile"),
        summary="Update my profile",
        middleware=[FormAsJson()],
        responses=errors(401, 409),
    )
    async def update_profile(
        self, principal: CurrentPrincipal, data: JSONBody[ProfileUpdateIn], client: Client
    ) -> Envelope[ProfileOut]:
        # Seed 003 13.3.
        """Send only the fields to change, as JSON or as form fields. An empty
        value clears an optional field. Changing `username` to a taken one is 409."""
        return ok(
            await profile.update_profile(principal, data, client), "Profile updated successfully"
        )

    @post("/change-password", status_code=200, summary="Change my password", responses=errors(401))
    async def change_password(
        self, principal: CurrentPrincipal, data: JSONBody[ChangePasswordIn], client: Client
    ) -> Envelope[None]:
        """Needs the current password. Every other session of the account ends."""
        await passwords.change(principal, data, client)
        return ok(None, "Password changed successfully")

    @post("/password", status_code=200, summary="Set a first password", responses=errors(401, 409))
    async def set_password(
        self, principal: CurrentPrincipal, data: JSONBody[SetPasswordIn], client: Client
    ) -> Envelope[None]:
        """For accounts created with Google: add a password so email/password sign-in works.
        409 when the account already has one."""
        await passwords.set_first(principal, data, client)
        return ok(None, "Password set successfully")

    @put("/email", summary="Change my email", responses=errors(401, 409, 429))
    async def change_email(
        self, principal: CurrentPrincipal, data: JSONBody[UpdateEmailIn]
    ) -> Envelope[PendingContactOut]:
        """Sends a code to the new address; the email changes once
        `POST /users/email/verify` confirms it."""
        return ok(
            await profile.start_contact_change(principal, "email", data.new_email, data.password),
            "Verification email sent to new address",
        )

    @post(
        "/email/verify", status_code=200, summary="Confirm my new email", responses=errors(401, 409)
    )
    async def confirm_email(
        self, principal: CurrentPrincipal, data: JSONBody[CodeIn], client: Client
    ) -> Envelope[ProfileOut]:
        """Confirm the pending email with the code sent to it."""
        return ok(
            await profile.confirm_contact_change(principal, "email", data.code, client),
            "Email updated",
        )

    @put("/phone", summary="Change my phone number", responses=errors(401, 409, 429))
    async def change_phone(
        self, principal: CurrentPrincipal, data: JSONBody[UpdatePhoneIn]
    ) -> Envelope[PendingContactOut]:
        """Sends an SMS code to the new number; it replaces the old one once
        `POST /users/phone/verify` confirms it."""
        return ok(
            await profile.start_contact_change(principal, "phone", data.new_phone, data.password),
            "Verification code sent to new phone number",
        )

    @post(
        "/phone/verify",
        status_code=200,
        summary="Confirm my new phone number",
        responses=errors(401, 409),
    )
    async def confirm_phone(
        self, principal: CurrentPrincipal, data: JSONBody[CodeIn], client: Client
    ) -> Envelope[ProfileOut]:
        """Confirm the pending phone number with the SMS code."""
        return ok(
            await profile.confirm_contact_change(principal, "phone", data.code, client),
            "Phone number updated",
        )

    @delete(
        ["/account", "/me"],
        opt=described(canonical="/account"),
        status_code=200,
        summary="Delete my account",
        responses=errors(401),
    )
    async def delete_account(
        self, principal: CurrentPrincipal, data: JSONBody[DeleteAccountIn], client: Client
    ) -> Envelope[DeletionOut]:
        """Schedules deletion in 30 days and signs out everywhere. Signing in before then
        restores the account; afterwards its personal data is erased."""
        return ok(
            await profile.schedule_deletion(
                principal, data.password, data.reason, data.feedback, client
            ),
            "Account deletion scheduled. You have 30 days to reactivate.",
        )


class PublicUserController(Controller):
    path = "/users"
    tags = ["Users"]

    @get("/{user_id:str}", summary="Public profile", responses=errors(404))
    async def public_profile(self, user_id: FromPath[str]) -> Envelope[PublicUserOut]:
        # Seed 003 13.2.
        """What anyone may see of a user (never email, phone or settings)."""
        return ok(await profile.public_profile(user_id), "User profile retrieved successfully")
