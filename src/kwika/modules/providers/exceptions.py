"""The providers module's named errors. ``documents/error-codes.md`` is generated from this
file."""

from __future__ import annotations

from kwika.core.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound

# ---------------------------------------------------------------- not found


class ProviderNotFound(NotFound):
    default_message = "Provider not found"


class GuideNotFound(NotFound):
    default_message = "Guide not found"


class CompanyNotFound(NotFound):
    default_message = "Company not found"


class BusinessPhoneNotFound(NotFound):
    default_message = "Business phone not found"


class VerificationNotFound(NotFound):
    default_message = "Verification not found"


# ---------------------------------------------------------------- profiles


class ProviderProfileRequired(Forbidden):
    code = "PROVIDER_PROFILE_REQUIRED"
    default_message = "Create your provider profile first (POST /providers/me)"


class ProviderProfileExists(Conflict):
    code = "PROVIDER_PROFILE_EXISTS"
    default_message = "You already have a provider profile"


class ProviderProfileMissing(NotFound):
    code = "PROVIDER_PROFILE_MISSING"
    default_message = "You have no provider profile yet"


# ---------------------------------------------------------------- companies


class CompanyNameTaken(Conflict):
    code = "DUPLICATE"
    default_message = "You already have a company with this name"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("name", self.default_message)])


# ---------------------------------------------------------------- business phones


class BusinessPhoneAlreadyAdded(Conflict):
    """The owner added this number before and has not verified it; ``data.phone_id``."""

    code = "DUPLICATE"
    default_message = "This number is already added; verify it or ask for a new code"

    def __init__(self, phone_id: str) -> None:
        super().__init__(
            errors=[FieldError("phone_number", self.default_message)], data={"phone_id": phone_id}
        )


class BusinessPhoneAlreadyVerified(BusinessPhoneAlreadyAdded):
    """The owner added and verified this number before; ``data.phone_id``."""

    default_message = "This number is already verified"


class BusinessPhoneRaced(Conflict):
    """Two requests added the same number at once."""

    code = "DUPLICATE"
    default_message = "This number is already added"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("phone_number", self.default_message)])


class BusinessPhoneLimitReached(BadRequest):
    code = "LIMIT_REACHED"
    default_message = "You can keep at most {limit} business phone numbers"

    def __init__(self, limit: int) -> None:
        super().__init__(self.default_message.format(limit=limit))


class PhoneAlreadyVerified(Conflict):
    code = "ALREADY_VERIFIED"
    default_message = "This number is already verified"


class PhoneCodeInvalid(BadRequest):
    code = "INVALID_CODE"
    default_message = "Invalid OTP code"


class PhoneCodeExpired(BadRequest):
    code = "CODE_EXPIRED"
    default_message = "OTP code has expired. Please request a new one."


class PhoneCodeAttemptsExceeded(BadRequest):
    code = "CODE_ATTEMPTS_EXCEEDED"
    default_message = "Too many wrong codes. Please request a new one."


class BusinessPhoneInUse(Conflict):
    code = "IN_USE"
    default_message = "Companies show this number; choose another one for them first"

    def __init__(self, companies: int) -> None:
        super().__init__(data={"companies": companies})


# ---------------------------------------------------------------- verification


class VerificationPending(Conflict):
    code = "VERIFICATION_PENDING"
    default_message = "Your {label} is already under review"

    def __init__(self, label: str) -> None:
        super().__init__(self.default_message.format(label=label))


class VerificationApproved(Conflict):
    code = "ALREADY_VERIFIED"
    default_message = "Your {label} is already approved"

    def __init__(self, label: str) -> None:
        super().__init__(self.default_message.format(label=label))


class CraftsmanRequired(Forbidden):
    code = "CRAFTSMAN_REQUIRED"
    default_message = "Only craftsmen can submit this verification; add `craftsman` to your kinds"


class NoGuideApplication(NotFound):
    code = "NO_APPLICATION"
    default_message = "You have not applied to be a guide"


class VerificationReviewed(Conflict):
    code = "ALREADY_REVIEWED"
    default_message = "This request was already {status}"

    def __init__(self, status: str) -> None:
        super().__init__(self.default_message.format(status=status))
