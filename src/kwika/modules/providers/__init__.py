"""Providers: provider profiles (vendors, craftsmen, guides), verification (identity,
craftsman, guide applications), companies, business phone numbers, guide calendars.

Other modules use only what this file exports; see ``documents/modules/providers.md``.
"""

from kwika.modules.providers import signals
from kwika.modules.providers.public import (
    BusinessPhoneRef,
    CompanySnapshot,
    ProviderSnapshot,
    all_company_ids,
    all_provider_ids,
    approve_verification,
    availability_on,
    get_companies,
    get_company,
    get_owned_company,
    get_provider,
    get_provider_by_user,
    get_providers,
    get_public_company,
    get_public_provider,
    get_verification,
    list_verifications,
    record_rating,
    reject_verification,
    require_provider,
    verified_business_phone,
)

__all__ = [
    "BusinessPhoneRef",
    "CompanySnapshot",
    "ProviderSnapshot",
    "all_company_ids",
    "all_provider_ids",
    "approve_verification",
    "availability_on",
    "get_companies",
    "get_company",
    "get_owned_company",
    "get_provider",
    "get_provider_by_user",
    "get_providers",
    "get_public_company",
    "get_public_provider",
    "get_verification",
    "list_verifications",
    "record_rating",
    "reject_verification",
    "require_provider",
    "signals",
    "verified_business_phone",
]
