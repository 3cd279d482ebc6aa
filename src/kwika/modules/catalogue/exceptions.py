"""The catalogue's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from typing import Any

from kwika.core.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound

# ---------------------------------------------------------------- not found


class ServiceNotFound(NotFound):
    default_message = "Service not found"


class ExperienceNotFound(NotFound):
    default_message = "Experience not found"


def listing_not_found(kind: str | None) -> NotFound:
    """A service or an experience, named as the client asked for it."""
    return ExperienceNotFound() if kind == "experience" else ServiceNotFound()


class PackageNotFound(NotFound):
    default_message = "Package not found"


class ImageNotFound(NotFound):
    default_message = "Image not found"


class PromotionNotFound(NotFound):
    default_message = "Promotion not found"


class CatalogueNotFound(NotFound):
    default_message = "Catalogue not found"


class CategoryNotFound(NotFound):
    default_message = "Category not found"


class KycDocumentNotFound(NotFound):
    default_message = "KYC document not found"


# ---------------------------------------------------------------- services and packages


class GuideRequired(Forbidden):
    code = "GUIDE_REQUIRED"
    default_message = "Only guides publish experiences (POST /guides/apply)"


class ServiceSuspended(Conflict):
    code = "SERVICE_SUSPENDED"
    default_message = "This service was suspended by our team; contact support"


class ServiceTypeLocked(Conflict):
    code = "KYC_SUBMITTED"
    default_message = "KYC documents were sent for this service type; it cannot change now"


class ImagesChanged(Conflict):
    code = "CONCURRENT_UPDATE"
    default_message = "The images changed meanwhile; please try again"


class PackageLimitReached(BadRequest):
    code = "LIMIT_REACHED"
    default_message = "A service has at most {limit} packages"

    def __init__(self, limit: int) -> None:
        super().__init__(self.default_message.format(limit=limit))


# ---------------------------------------------------------------- catalogues


class CatalogueNameTaken(Conflict):
    code = "DUPLICATE"
    default_message = "This company already has a catalogue with this name"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("name", self.default_message)])


class CategoryNameTaken(Conflict):
    code = "DUPLICATE"
    default_message = "This company already has a category with this name"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("name", self.default_message)])


# ---------------------------------------------------------------- KYC


class KycDocumentApproved(Conflict):
    code = "KYC_DOCUMENT_APPROVED"
    default_message = "This document is already approved"


class KycApprovedStays(Conflict):
    # A state conflict: 409 per PRODUCT.md, where seed 003 7.8 shows 400 (decisions.md).
    code = "KYC_DOCUMENT_APPROVED"
    default_message = "Cannot remove approved document. Please contact support."


class KycAlreadySubmitted(Conflict):
    code = "KYC_ALREADY_SUBMITTED"
    default_message = "A document was already sent for this requirement"

    def __init__(self, message: str | None = None, data: dict[str, Any] | None = None) -> None:
        super().__init__(message, data=data)

    @classmethod
    def resubmit_instead(cls, document_id: str, status: str) -> KycAlreadySubmitted:
        """The document exists: the client resubmits it (and learns its id and status)."""
        return cls(
            "A document was already sent for this requirement; resubmit it with PUT "
            "/user-services/{service_id}/kyc/{kyc_id}",
            data={"document_id": document_id, "status": status},
        )


class KycDocumentChanged(Conflict):
    code = "CONCURRENT_UPDATE"
    default_message = "The document changed meanwhile; please try again"


class KycAlreadyReviewed(Conflict):
    code = "ALREADY_REVIEWED"
    default_message = "This document is already {status}"

    def __init__(self, status: str) -> None:
        super().__init__(self.default_message.format(status=status))


class KycNothingPending(Conflict):
    code = "NOTHING_PENDING"
    default_message = "Nothing is waiting for review on this service"
