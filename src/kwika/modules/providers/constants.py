from __future__ import annotations

from typing import Literal

ProviderKind = Literal["vendor", "craftsman", "guide"]
PROVIDER_KINDS: tuple[ProviderKind, ...] = ("vendor", "craftsman", "guide")
VerificationKind = Literal["identity", "craftsman", "guide"]
VerificationStatus = Literal["pending", "verified", "rejected"]
# What a track shows before anything was submitted.
TrackStatus = Literal["not_submitted", "pending", "verified", "rejected"]
BusinessPhoneStatus = Literal["pending", "verified"]

MAX_PORTFOLIO_ITEMS = 30
MAX_SKILLS = 30
MAX_LANGUAGES = 20
MAX_CRAFTSMAN_DOCUMENTS = 10
MAX_BUSINESS_PHONES = 10
BUSINESS_PHONE_CODE_ATTEMPTS = 5
BUSINESS_PHONE_CODES_PER_HOUR = 10
MAX_AVAILABILITY_DAYS = 366
AVAILABILITY_HORIZON_DAYS = 730
DEFAULT_AVAILABILITY_WINDOW_DAYS = 30

PORTFOLIO_CONTEXTS = ("portfolio", "image", "service_image")
VERIFICATION_CONTEXTS = ("verification_document",)
RESUME_CONTEXTS = ("guide_resume",)
VIDEO_CONTEXTS = ("guide_video",)
