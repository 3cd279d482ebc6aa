"""Catalogue: catalogues and categories of companies, services and experiences with images,
KYC documents and packages, and promotions.

Other modules use only what this file exports; see ``documents/modules/catalogue.md``.
"""

from kwika.modules.catalogue import signals
from kwika.modules.catalogue.public import (
    PackageSnapshot,
    PromotionSnapshot,
    ServiceSnapshot,
    adjust_booking_count,
    all_promotion_ids,
    all_service_ids,
    approve_kyc_document,
    approve_service_kyc,
    categories_in_use,
    get_kyc_submission,
    get_package,
    get_packages,
    get_promotion,
    get_public_promotion,
    get_public_service,
    get_service,
    get_services,
    kyc_queue,
    record_rating,
    reject_kyc_document,
    reject_service_kyc,
)

__all__ = [
    "PackageSnapshot",
    "PromotionSnapshot",
    "ServiceSnapshot",
    "adjust_booking_count",
    "all_promotion_ids",
    "all_service_ids",
    "approve_kyc_document",
    "approve_service_kyc",
    "categories_in_use",
    "get_kyc_submission",
    "get_package",
    "get_packages",
    "get_promotion",
    "get_public_promotion",
    "get_public_service",
    "get_service",
    "get_services",
    "kyc_queue",
    "record_rating",
    "reject_kyc_document",
    "reject_service_kyc",
    "signals",
]
