"""Settings > security: two-factor authentication, sessions, devices, connected accounts."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.pagination import Page, Paging
from kwika.modules.identity.exceptions import (
    UnsupportedProvider,
)
from kwika.modules.identity.schemas import (
    BackupCodesOut,
    CodeIn,
    GoogleLoginOut,
    PasswordIn,
    RevokedOut,
    SessionOut,
    TrustedDeviceOut,
    TwoFactorDisableIn,
    TwoFactorEnableIn,
    TwoFactorSetupOut,
    TwoFactorStateOut,
)
from kwika.modules.identity.services import devices, google, profile, sessions, twofactor

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


def _only_google(provider: FromPath[str]) -> None:
    if provider != "google":
        raise UnsupportedProvider()


class SecurityController(Controller):
    path = "/settings"
    tags = ["Settings: security"]
    guards = [require_user]
    security = BEARER

    @post(
        "/security/2fa/enable",
        status_code=200,
        summary="Start turning on 2FA",
        responses=errors(401, 409),
    )
    async def enable_2fa(
        self, principal: CurrentPrincipal, data: JSONBody[TwoFactorEnableIn]
    ) -> Envelope[TwoFactorSetupOut]:
        """`method: authenticator` answers a secret, an `otpauth://` URI, a QR code as a PNG
        data URL and 10 single-use backup codes; `sms`/`email` send a code to the verified
        phone/email. Nothing changes until `/settings/security/2fa/verify` confirms a code."""
        result = await twofactor.enable(principal, data.method, data.password)
        message = (
            "2FA setup initiated" if data.method == "authenticator" else "Verification code sent"
        )
        return ok(result, message)

    @post(
        "/security/2fa/verify",
        status_code=200,
        summary="Confirm and turn on 2FA",
        responses=errors(401, 409),
    )
    async def verify_2fa(
        self, principal: CurrentPrincipal, data: JSONBody[CodeIn], client: Client
    ) -> Envelope[TwoFactorStateOut]:
        """Turns 2FA on once a valid code from the app (or the sent code) is given."""
        return ok(
            await twofactor.confirm(principal, data.code, client),
            "Two-factor authentication enabled successfully",
        )

    @post(
        "/security/2fa/disable", status_code=200, summary="Turn off 2FA", responses=errors(401, 409)
    )
    async def disable_2fa(
        self, principal: CurrentPrincipal, data: JSONBody[TwoFactorDisableIn], client: Client
    ) -> Envelope[TwoFactorStateOut]:
        """Needs the password and a current code (authenticator code, backup code, or for
        SMS/email 2FA the code from `/settings/security/2fa/send-code`)."""
        return ok(
            await twofactor.disable(principal, data.password, data.code, client),
            "Two-factor authentication disabled",
        )

    @post(
        "/security/2fa/send-code",
        status_code=200,
        summary="Send a 2FA code",
        responses=errors(401, 429),
    )
    async def send_2fa_code(self, principal: CurrentPrincipal) -> Envelope[dict[str, str]]:
        """For SMS/email 2FA: sends the code needed to turn 2FA off."""
        return ok({"sent_to": await twofactor.send_disable_code(principal)}, "Code sent")

    @post(
        "/security/2fa/backup-codes",
        status_code=200,
        summary="New backup codes",
        responses=errors(401, 409),
    )
    async def new_backup_codes(
        self, principal: CurrentPrincipal, data: JSONBody[PasswordIn]
    ) -> Envelope[BackupCodesOut]:
        """Replaces all backup codes with 10 new single-use ones."""
        return ok(
            await twofactor.regenerate_backup_codes(principal, data.password),
            "New backup codes generated",
        )

    @get("/security/sessions", summary="Active sessions", responses=errors(401))
    async def list_sessions(
        self, principal: CurrentPrincipal, paging: Paging
    ) -> Envelope[Page[SessionOut]]:
        """Signed-in devices, most recently active first; `is_current` marks this one."""
        return ok(await sessions.list_sessions(principal, paging), "Active sessions retrieved")

    @delete(
        "/security/sessions/{session_id:str}",
        status_code=200,
        summary="Revoke a session",
        responses=errors(401, 404),
    )
    async def revoke_session(
        self, principal: CurrentPrincipal, session_id: FromPath[str]
    ) -> Envelope[None]:
        """Ends another session at once. The current one is 400: use logout."""
        await sessions.revoke_one(principal, session_id)
        return ok(None, "Session revoked successfully")

    @delete(
        "/security/sessions",
        status_code=200,
        summary="Revoke all other sessions",
        responses=errors(401),
    )
    async def revoke_other_sessions(
        self, principal: CurrentPrincipal, data: JSONBody[PasswordIn]
    ) -> Envelope[RevokedOut]:
        """Needs the password; keeps only the current session."""
        count = await profile.revoke_other_sessions(principal, data.password)
        return ok(RevokedOut(revoked_count=count), "All other sessions revoked")

    @get("/security/devices", summary="Remembered devices", responses=errors(401))
    async def list_devices(
        self, principal: CurrentPrincipal, paging: Paging
    ) -> Envelope[Page[TrustedDeviceOut]]:
        """Devices that completed a sign-in (providers confirm each new one with a code)."""
        return ok(await devices.list_devices(principal, paging), "Devices retrieved")

    @delete(
        "/security/devices/{device_id:str}",
        status_code=200,
        summary="Forget a device",
        responses=errors(401, 404),
    )
    async def forget_device(
        self, principal: CurrentPrincipal, device_id: FromPath[str]
    ) -> Envelope[RevokedOut]:
        """The device must be confirmed again next time; its sessions end now."""
        count = await devices.forget(principal, device_id)
        return ok(RevokedOut(revoked_count=count), "Device removed")

    @post(
        "/accounts/connect/{provider:str}",
        status_code=200,
        summary="Connect Google",
        responses=errors(401, 503),
    )
    async def connect(
        self, principal: CurrentPrincipal, provider: FromPath[str]
    ) -> Envelope[GoogleLoginOut]:
        """Answers the Google authorization URL; the callback links that Google account."""
        _only_google(provider)
        return ok(await google.start("link", principal.id), "Redirect to authorization")

    @delete(
        "/accounts/disconnect/{provider:str}",
        status_code=200,
        summary="Disconnect Google",
        responses=errors(401),
    )
    async def disconnect(
        self,
        principal: CurrentPrincipal,
        provider: FromPath[str],
        data: JSONBody[PasswordIn],
        client: Client,
    ) -> Envelope[None]:
        """Needs the password. Refused when Google is the only way to sign in."""
        _only_google(provider)
        await google.disconnect(principal, data.password, client)
        return ok(None, "Account disconnected successfully")
