"""Sign-up, verification, sign-in, tokens and password reset."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from kwika.core.auth import Client, CurrentPrincipal, require_user
from kwika.core.envelope import Envelope, errors, ok
from kwika.core.openapi import described
from kwika.modules.identity.schemas import (
    AuthOut,
    ChallengeCodeIn,
    ChallengeOut,
    ChallengeSendIn,
    ChallengeSentOut,
    ForgotPasswordIn,
    MeOut,
    OtpSentOut,
    RefreshIn,
    RequestOtpIn,
    ResetPasswordIn,
    SigninIn,
    SignupIn,
    SignupOut,
    TokensOut,
    UsernameCheckOut,
    VerifiedOut,
    VerifyEmailLinkIn,
    VerifyOtpIn,
)
from kwika.modules.identity.services import accounts, passwords, sessions, signin
from kwika.modules.identity.services.challenges import ttl_seconds
from kwika.modules.identity.services.passwords import FORGOT_MESSAGE

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


class AuthController(Controller):
    path = "/"
    tags = ["Auth"]

    @post(
        ["/users/signup", "/auth/register"],
        opt=described(
            canonical="/users/signup",
            request={
                "first_name": "Amina",
                "last_name": "Otieno",
                "email": "amina@example.com",
                "password": "Kwika-Strong-2026",
                "account_type": "provider",
            },
            response={
                "id": "6650f1c2a9d3e41b2c7a9f01",
                "username": "amina_otieno",
                "verification_type": "email",
                "sent_to": "a***a@example.com",
            },
            message="User created successfully. Please verify your email.",
        ),
        summary="Sign up",
        responses=errors(409, 429),
    )
    async def signup(self, data: JSONBody[SignupIn], client: Client) -> Envelope[SignupOut]:
        # Validation per seed 003 1.1.
        """Create an account with an email and/or a phone number (at least one).

        Validation gives one error per field: names 2-50 letters,
        username 3-30 letters/digits/underscores (generated from the name when omitted),
        password of 8+ characters with upper case, lower case and a digit, not a common one.
        Phone numbers are stored in E.164. A 6-digit code (and, for email, a one-click link)
        is sent to verify the account. With `registered_by`, no password is needed: the new
        user receives a one-time link to set their own. Duplicates are 409 naming the field.
        Limited to 10 sign-ups per hour per network address."""
        created = await accounts.signup(data, client)
        channel = created.verification_type
        message = (
            f"User created successfully. Please verify your {channel}."
            if channel
            else "User created successfully. A link to set a password was sent."
        )
        return ok(created, message)

    @get("/users/check-username", summary="Check username availability")
    async def check_username(
        self,
        username: FromQuery[str],
        first_name: Annotated[str | None, QueryParameter(name="first_name")] = None,
        last_name: Annotated[str | None, QueryParameter(name="last_name")] = None,
    ) -> Envelope[UsernameCheckOut]:
        # Seed 003 1.1.1.
        """Whether `username` is free; when taken, up to five available suggestions built
        from the name."""
        result = await accounts.check_username(username, first_name, last_name)
        return ok(result, "Username is available" if result.available else "Username is taken")

    @post(
        ["/users/request-otp", "/auth/request-otp"],
        opt=described(canonical="/users/request-otp"),
        status_code=200,
        summary="Send a verification code",
        responses=errors(404, 409, 429),
    )
    async def request_otp(self, data: JSONBody[RequestOtpIn]) -> Envelope[OtpSentOut]:
        """Send a new 6-digit code to the account's email or phone. Codes expire after five
        minutes; a second request within 60 seconds is 429 with `data.retry_after`."""
        return ok(
            await accounts.request_otp(data.user_id, data.verification_type),
            "OTP sent successfully",
        )

    @post(
        ["/users/verify-otp", "/auth/verify-otp"],
        opt=described(canonical="/users/verify-otp"),
        status_code=200,
        summary="Verify email or phone with a code",
        responses=errors(404),
    )
    async def verify_otp(self, data: JSONBody[VerifyOtpIn]) -> Envelope[VerifiedOut]:
        """A wrong code is 400 `INVALID_CODE`; an expired one is 400 `CODE_EXPIRED`. After
        five wrong codes a new one must be requested."""
        result = await accounts.verify_otp(data.user_id, data.verification_type, data.otp_code)
        label = "Email" if data.verification_type == "email" else "Phone"
        return ok(result, f"{label} verified successfully")

    @post("/auth/verify-email", status_code=200, summary="Verify email with the emailed link")
    async def verify_email(self, data: JSONBody[VerifyEmailLinkIn]) -> Envelope[VerifiedOut]:
        """`token` is the signed token from the verification email's link (valid 24 h)."""
        return ok(await accounts.verify_email_link(data.token), "Email verified successfully")

    @post(
        ["/auth/signin", "/auth/login"],
        opt=described(
            canonical="/auth/signin",
            request={
                "credential": "amina@example.com",
                "password": "Kwika-Strong-2026",
                "remember_me": True,
            },
            response={
                "device_verification_required": True,
                "two_factor_required": False,
                "challenge_token": "ch_5Yx1c0Qm2Vt8bLr4nP7k",
                "methods": ["email"],
                "expires_in": 300,
                "sent_to": "a***a@example.com",
            },
            message="Confirm this device with the code we sent",
        ),
        status_code=200,
        summary="Sign in",
        responses=errors(401, 403, 429, 503),
    )
    async def signin(
        self, data: JSONBody[SigninIn], client: Client
    ) -> Envelope[AuthOut | ChallengeOut]:
        """Sign in with `credential` (email, phone or username; also accepted as `email`,
        `phone`, `username` or `loginIdentifier`) and `password`.

        Answers tokens (`access_token` valid 15 minutes, rotating `refresh_token` valid 1 day
        or 30 days with `remember_me`), or, when a second step is needed,
        `two_factor_required`/`device_verification_required` with a `challenge_token` (valid 5
        minutes) to complete at `/auth/2fa/verify` or `/auth/devices/verify`.

        401 for bad credentials (same message whichever part was wrong); 403
        `VERIFICATION_REQUIRED` with `data.user_id` when unverified; 403 `ACCOUNT_SUSPENDED` or
        `ACCOUNT_BANNED` with the reason and dates. After 5 failures per account (20 per
        network address) in 15 minutes: 429. Send `X-Device-Id` (or `device_id`) to name the
        device; providers confirm new devices with a code."""
        result = await signin.sign_in(data, client)
        message = "Login successful" if isinstance(result, AuthOut) else "Verification required"
        return ok(result, message)

    @post(
        "/auth/2fa/verify",
        opt=described(request={"challenge_token": "ch_5Yx1c0Qm2Vt8bLr4nP7k", "code": "482913"}),
        status_code=200,
        summary="Complete sign-in with a 2FA code",
        responses=errors(429),
    )
    async def verify_two_factor(
        self, data: JSONBody[ChallengeCodeIn], client: Client
    ) -> Envelope[AuthOut]:
        """`code` is a current authenticator code, an unused backup code, or the code sent by
        SMS/email. Each authenticator code and backup code works once. Five wrong codes end
        the challenge."""
        return ok(
            await signin.verify_two_factor(data.challenge_token, data.code, client),
            "Login successful",
        )

    @post("/auth/2fa/send", status_code=200, summary="Resend a sign-in code", responses=errors(429))
    async def resend_code(self, data: JSONBody[ChallengeSendIn]) -> Envelope[ChallengeSentOut]:
        """For SMS/email 2FA and new-device challenges: send a fresh code (once a minute)."""
        method, sent_to = await signin.resend_code(data.challenge_token, data.method)
        return ok(
            ChallengeSentOut(method=method, sent_to=sent_to, expires_in=ttl_seconds()), "Code sent"
        )

    @post(
        "/auth/devices/verify",
        opt=described(request={"challenge_token": "ch_5Yx1c0Qm2Vt8bLr4nP7k", "code": "482913"}),
        status_code=200,
        summary="Confirm a new device",
        responses=errors(429),
    )
    async def verify_device(
        self, data: JSONBody[ChallengeCodeIn], client: Client
    ) -> Envelope[AuthOut]:
        """Complete a `device_verification_required` sign-in with the code sent to the
        account's verified email or phone. The device is remembered afterwards."""
        return ok(
            await signin.verify_device(data.challenge_token, data.code, client), "Device verified"
        )

    @post(
        ["/auth/refresh", "/auth/refresh-token"],
        opt=described(canonical="/auth/refresh"),
        status_code=200,
        summary="Refresh the access token",
        responses=errors(401),
    )
    async def refresh(self, data: JSONBody[RefreshIn]) -> Envelope[TokensOut]:
        """Exchange a refresh token for a new access token and a new refresh token. Each
        refresh token works once: presenting a used one ends that session (all its tokens)."""
        return ok(await sessions.rotate(data.refresh_token, "user"), "Token refreshed successfully")

    @post(
        "/auth/logout",
        status_code=200,
        guards=[require_user],
        security=BEARER,
        summary="Log out",
        responses=errors(401),
    )
    async def logout(self, principal: CurrentPrincipal) -> Envelope[None]:
        """Ends this session: the access token stops working at once, the refresh token too."""
        await sessions.logout(principal)
        return ok(None, "Logged out successfully")

    @get(
        "/auth/me",
        guards=[require_user],
        security=BEARER,
        summary="Current user",
        responses=errors(401, 404),
    )
    async def me(self, principal: CurrentPrincipal) -> Envelope[MeOut]:
        """The signed-in user with follower, following, post, event and service counts."""
        return ok(MeOut.of(await accounts.get_user(principal.id)), "User retrieved successfully")

    @post(
        "/auth/forgot-password",
        status_code=200,
        summary="Ask for a password reset",
        responses=errors(429),
    )
    async def forgot_password(
        self, data: JSONBody[ForgotPasswordIn], client: Client
    ) -> Envelope[None]:
        """With `email`: a one-time link (valid 1 hour). With `phone`: a 6-digit SMS code.
        The answer is the same whether or not an account exists."""
        await passwords.forgot(data, client)
        return ok(None, FORGOT_MESSAGE)

    @post("/auth/reset-password", status_code=200, summary="Reset the password")
    async def reset_password(
        self, data: JSONBody[ResetPasswordIn], client: Client
    ) -> Envelope[None]:
        """Either `token` (from the email link, or the set-password link of an inline
        registration) or `phone` + `code` (SMS), plus `password` and `password_confirmation`.
        Tokens and codes work once. Every session of the account ends."""
        await passwords.reset(data, client)
        return ok(None, "Password reset successfully. You can now sign in.")
