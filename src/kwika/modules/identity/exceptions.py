"""Identity's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from kwika.core.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound, Unauthorized

# ---------------------------------------------------------------- not found


class UserNotFound(NotFound):
    default_message = "User not found"


class SessionNotFound(NotFound):
    default_message = "Session not found"


class DeviceNotFound(NotFound):
    default_message = "Device not found"


class StaffNotFound(NotFound):
    default_message = "Staff member not found"


# ---------------------------------------------------------------- accounts and contacts


class UserExists(Conflict):
    """``errors`` names the fields (email, phone, username) already in use."""

    code = "DUPLICATE"
    default_message = "User already exists"


class NoSuchContact(BadRequest):
    code = "NO_SUCH_CONTACT"
    default_message = "This account has no {label}"

    def __init__(self, label: str) -> None:
        super().__init__(self.default_message.format(label=label))


class ContactAlreadyVerified(Conflict):
    code = "ALREADY_VERIFIED"
    default_message = "This {channel} is already verified"

    def __init__(self, channel: str) -> None:
        super().__init__(self.default_message.format(channel=channel))


class UsernameTaken(Conflict):
    code = "DUPLICATE"
    default_message = "Username is already taken"

    def __init__(self, errors: list[FieldError] | None = None) -> None:
        super().__init__(errors=errors or [FieldError("username", self.default_message)])


class SameContact(Conflict):
    code = "SAME_CONTACT"
    default_message = "This is already your {field}"

    def __init__(self, field: str) -> None:
        super().__init__(self.default_message.format(field=field))


class ContactInUse(Conflict):
    code = "DUPLICATE"
    default_message = "{label} is already in use"

    def __init__(self, label: str, errors: list[FieldError]) -> None:
        super().__init__(self.default_message.format(label=label), errors=errors)


class ContactTakenMeanwhile(Conflict):
    code = "DUPLICATE"
    default_message = "This {field} was taken meanwhile"

    def __init__(self, field: str) -> None:
        super().__init__(
            self.default_message.format(field=field),
            errors=[FieldError(field, f"This {field} is already in use")],
        )


class NoPendingChange(BadRequest):
    code = "NO_PENDING_CHANGE"
    default_message = "No {field} change is in progress"

    def __init__(self, field: str) -> None:
        super().__init__(self.default_message.format(field=field))


# ---------------------------------------------------------------- codes and links


class OtpCodeInvalid(BadRequest):
    code = "INVALID_CODE"
    default_message = "Invalid OTP code"


class OtpCodeExpired(BadRequest):
    code = "CODE_EXPIRED"
    default_message = "OTP code has expired. Please request a new one."


class OtpAttemptsExceeded(BadRequest):
    code = "CODE_ATTEMPTS_EXCEEDED"
    default_message = "Too many wrong codes. Please request a new one."


class VerificationCodeInvalid(BadRequest):
    code = "INVALID_CODE"
    default_message = "Invalid verification code"


class ResetCodeInvalid(BadRequest):
    code = "INVALID_CODE"
    default_message = "Invalid or expired reset code"


class CodeReplayed(BadRequest):
    code = "CODE_REPLAYED"
    default_message = "This code was already used. Wait for the next code from your app."


class LinkInvalid(BadRequest):
    code = "INVALID_TOKEN"
    default_message = "Invalid or expired token"


class LinkExpired(BadRequest):
    code = "TOKEN_EXPIRED"
    default_message = "This link has expired. Please request a new one."


# ---------------------------------------------------------------- signing in


class UseStaffSignin(Forbidden):
    code = "USE_STAFF_SIGNIN"
    default_message = "Staff sign in at /api/v1/admin/auth/login"


class CredentialsInvalid(Unauthorized):
    code = "INVALID_CREDENTIALS"
    default_message = "Invalid credentials: check your email, phone or username and your password"


class AccountSuspended(Forbidden):
    """``data``: ``status``, ``reason``, ``since``, ``until``."""

    code = "ACCOUNT_SUSPENDED"
    default_message = "Your account has been suspended. Contact support."


class AccountBanned(Forbidden):
    """``data``: ``status``, ``reason``, ``since``, ``until``."""

    code = "ACCOUNT_BANNED"
    default_message = "Your account has been banned. Contact support."


class VerificationRequired(Forbidden):
    code = "VERIFICATION_REQUIRED"
    default_message = "Please verify your {channel} before signing in"

    def __init__(self, channel: str, user_id: str) -> None:
        super().__init__(
            self.default_message.format(channel=channel),
            data={"user_id": user_id, "verification_required": channel},
        )


class NoCodeChannel(BadRequest):
    code = "NO_CHANNEL"
    default_message = "This account has no verified {channel} for codes"

    def __init__(self, channel: str) -> None:
        super().__init__(self.default_message.format(channel=channel))


class NoSentCodes(BadRequest):
    code = "NO_CODE_METHOD"
    default_message = "This sign-in step does not use sent codes"


class WrongCodeMethod(BadRequest):
    code = "BAD_METHOD"
    default_message = "Codes for this step go by {channel}"

    def __init__(self, channel: str) -> None:
        super().__init__(self.default_message.format(channel=channel))


class ChallengeExpired(BadRequest):
    code = "CHALLENGE_EXPIRED"
    default_message = "This sign-in step has expired. Please sign in again."


class ChallengeAttemptsExceeded(BadRequest):
    code = "CHALLENGE_ATTEMPTS_EXCEEDED"
    default_message = "Too many wrong codes. Please sign in again."


# ---------------------------------------------------------------- sessions


class RefreshTokenInvalid(Unauthorized):
    code = "INVALID_REFRESH_TOKEN"
    default_message = "Invalid or expired refresh token"


class RefreshTokenReused(Unauthorized):
    code = "REFRESH_TOKEN_REUSED"
    default_message = (
        "This refresh token was already used. The session was ended for your safety; "
        "please sign in again."
    )


class AccountUnavailable(Unauthorized):
    code = "ACCOUNT_UNAVAILABLE"
    default_message = "This account can no longer sign in"


class CannotRevokeCurrentSession(BadRequest):
    code = "CANNOT_REVOKE_CURRENT_SESSION"
    default_message = "Cannot revoke current session. Use logout instead."


# ---------------------------------------------------------------- passwords


class NoPassword(BadRequest):
    code = "NO_PASSWORD"
    default_message = "Your account has no password yet; set one with POST /users/password"


class CurrentPasswordIncorrect(BadRequest):
    code = "INVALID_PASSWORD"
    default_message = "Current password is incorrect"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("current_password", self.default_message)])


class PasswordIncorrect(BadRequest):
    code = "INVALID_PASSWORD"
    default_message = "Incorrect password"

    def __init__(self, field: str) -> None:
        super().__init__(errors=[FieldError(field, self.default_message)])


class PasswordExists(Conflict):
    code = "PASSWORD_EXISTS"
    default_message = "Your account already has a password; use change-password"


# ---------------------------------------------------------------- two-factor


class TwoFactorNeedsPassword(BadRequest):
    code = "NO_PASSWORD"
    default_message = "Set a password before turning on two-factor authentication"


class EmailNotVerified(BadRequest):
    code = "CHANNEL_NOT_VERIFIED"
    default_message = "Verify your email address first"


class PhoneNotVerified(BadRequest):
    code = "CHANNEL_NOT_VERIFIED"
    default_message = "Verify your phone number first"


class TwoFactorEnabled(Conflict):
    code = "TWO_FACTOR_ENABLED"
    default_message = "Two-factor authentication is already enabled"


class TwoFactorSetupExpired(BadRequest):
    code = "TWO_FACTOR_SETUP_EXPIRED"
    default_message = "No two-factor setup is in progress; start again"


class UseAppCode(BadRequest):
    code = "NO_CODE_METHOD"
    default_message = "Use a code from your authenticator app or a backup code"


class TwoFactorDisabled(Conflict):
    code = "TWO_FACTOR_DISABLED"
    default_message = "Two-factor authentication is not enabled"


class BackupCodesNeedApp(Conflict):
    code = "TWO_FACTOR_DISABLED"
    default_message = "Backup codes belong to authenticator-app 2FA"


# ---------------------------------------------------------------- Google


class UnsupportedProvider(BadRequest):
    code = "UNSUPPORTED_PROVIDER"
    default_message = "Only Google accounts can be connected"


class GoogleAuthFailed(Unauthorized):
    code = "GOOGLE_AUTH_FAILED"
    default_message = "Google sign-in failed: {reason}"

    def __init__(self, reason: object) -> None:
        super().__init__(self.default_message.format(reason=reason))


class GoogleDenied(BadRequest):
    code = "GOOGLE_DENIED"
    default_message = "Google sign-in was not completed ({error})"

    def __init__(self, error: str) -> None:
        super().__init__(self.default_message.format(error=error))


class GoogleBadCallback(BadRequest):
    code = "GOOGLE_BAD_CALLBACK"
    default_message = "Missing code or state"


class GoogleStateExpired(BadRequest):
    code = "INVALID_STATE"
    default_message = "This Google sign-in has expired; start again"


class GoogleLinkForbidden(Forbidden):
    code = "GOOGLE_LINK_FORBIDDEN"
    default_message = "Finish connecting Google while signed in to the account that started it"


class GoogleEmailUnverified(Unauthorized):
    code = "GOOGLE_EMAIL_UNVERIFIED"
    default_message = "Your Google account has no verified email address"


class GoogleInUse(Conflict):
    code = "GOOGLE_IN_USE"
    default_message = "This Google account is linked to another user"


class GoogleNotConnected(BadRequest):
    code = "NOT_CONNECTED"
    default_message = "No Google account is connected"


class OnlyLoginMethod(BadRequest):
    code = "ONLY_LOGIN_METHOD"
    default_message = (
        "Cannot disconnect the only login method. Please set a password or connect "
        "another account first."
    )


# ---------------------------------------------------------------- staff


class StaffExists(Conflict):
    code = "DUPLICATE"
    default_message = "Staff member already exists"

    def __init__(self, field: str) -> None:
        super().__init__(errors=[FieldError(field, f"This {field} is already in use")])


class StaffCredentialsInvalid(Unauthorized):
    code = "INVALID_CREDENTIALS"
    default_message = "Invalid email or password"


class StaffDeactivated(Forbidden):
    code = "STAFF_DEACTIVATED"
    default_message = "This staff account is deactivated"


class StaffCannotSignIn(Forbidden):
    code = "STAFF_DEACTIVATED"
    default_message = "This staff account cannot sign in"


class StaffNotVerified(Forbidden):
    code = "STAFF_NOT_VERIFIED"
    default_message = "An admin must verify this staff account first"


class StaffEnrolmentCompleted(BadRequest):
    code = "CHALLENGE_EXPIRED"
    default_message = "Two-factor enrolment already completed; sign in again"


class SelfChange(Conflict):
    code = "SELF_CHANGE"
    default_message = "You cannot change your own role, deactivate or unverify yourself"


class LastAdmin(Conflict):
    code = "LAST_ADMIN"
    default_message = "At least one active, verified admin must remain"
