from __future__ import annotations

from typing import Literal

ServiceKind = Literal["service", "experience"]
ServiceStatus = Literal["active", "inactive", "suspended"]
OwnerStatus = Literal["active", "inactive"]
PriceType = Literal["fixed", "range", "starting_from", "custom"]
PriceUnit = Literal["per_event", "per_hour", "per_day", "per_person"]
ServiceVerification = Literal["unverified", "pending", "verified", "rejected"]
KycStatus = Literal["pending", "approved", "rejected"]
KycShownStatus = Literal["not_submitted", "pending", "approved", "rejected"]
# Seed 002 Task 6.
# Query parameters: "all" (or none) means no filter.
ServiceStatusFilter = Literal["active", "inactive", "suspended", "all"]
VerificationFilter = Literal["unverified", "pending", "verified", "rejected", "all"]
PromotionStatusFilter = Literal["scheduled", "active", "expired", "inactive", "all"]
ServiceSortBy = Literal["created_at", "title", "rating", "review_count"]
SERVICE_SORT_FIELDS: dict[str, str] = {
    "created_at": "created_at",
    "title": "title_key",
    "rating": "rating_average",
    "review_count": "rating_count",
}
ExperienceCategory = Literal["nightlife", "cultural", "adventure", "food", "nature"]
EXPERIENCE_CATEGORIES: tuple[str, ...] = ("nightlife", "cultural", "adventure", "food", "nature")

MAX_SERVICE_IMAGES = 10  # seed 003 7.3
MAX_PACKAGES_PER_SERVICE = 20
MAX_BULK_CATEGORIES = 100
SERVICE_IMAGE_CONTEXTS = ("service_image", "image")
PROMOTION_IMAGE_CONTEXTS = ("promotion_image", "image")
KYC_CONTEXTS = ("kyc_document",)
MAX_PROMOTION_DAYS = 366
# Seed 003's 2026-02-19 addendum: `short_description` is the first 100 characters of the
# description when the vendor wrote none.
SHORT_DESCRIPTION_CHARS = 100
