"""Reference data: event types, service categories and types, KYC requirements, currencies,
countries and onboarding interests. Cached in Redis; staff manage them through ``service``
(create/update/delete functions the admin issue exposes).

Other modules use only what this file exports; see ``documents/modules/reference.md``.
"""

from kwika.modules.reference.public import (
    CategoryRef,
    EventTypeRef,
    KycRequirementRef,
    ServiceTypeRef,
    adjust_service_count,
    category_by_key,
    currency_codes,
    event_types_for_category,
    get_category,
    get_event_type,
    get_service_type,
    interest_keys,
    kyc_requirements_for,
)

__all__ = [
    "CategoryRef",
    "EventTypeRef",
    "KycRequirementRef",
    "ServiceTypeRef",
    "adjust_service_count",
    "category_by_key",
    "currency_codes",
    "event_types_for_category",
    "get_category",
    "get_event_type",
    "get_service_type",
    "interest_keys",
    "kyc_requirements_for",
]
