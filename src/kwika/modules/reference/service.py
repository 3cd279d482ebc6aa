"""Reference data: cached reads for everyone, and the writes staff make (the admin issue
exposes them over HTTP). Every write invalidates the cache, so the next read anywhere sees
it.

The functions live in sibling files by sub-domain (``reads``, ``catalogue_admin``,
``places_admin``); this module re-exports them for existing callers."""

from kwika.modules.reference._common import slug as slug
from kwika.modules.reference.catalogue_admin import (
    add_service_type_kyc as add_service_type_kyc,
)
from kwika.modules.reference.catalogue_admin import (
    adjust_service_count as adjust_service_count,
)
from kwika.modules.reference.catalogue_admin import (
    create_category as create_category,
)
from kwika.modules.reference.catalogue_admin import (
    create_event_type as create_event_type,
)
from kwika.modules.reference.catalogue_admin import (
    create_kyc_definition as create_kyc_definition,
)
from kwika.modules.reference.catalogue_admin import (
    create_service_type as create_service_type,
)
from kwika.modules.reference.catalogue_admin import (
    delete_category as delete_category,
)
from kwika.modules.reference.catalogue_admin import (
    delete_event_type as delete_event_type,
)
from kwika.modules.reference.catalogue_admin import (
    delete_kyc_definition as delete_kyc_definition,
)
from kwika.modules.reference.catalogue_admin import (
    delete_service_type as delete_service_type,
)
from kwika.modules.reference.catalogue_admin import (
    list_categories as list_categories,
)
from kwika.modules.reference.catalogue_admin import (
    list_event_types as list_event_types,
)
from kwika.modules.reference.catalogue_admin import (
    list_service_types as list_service_types,
)
from kwika.modules.reference.catalogue_admin import (
    remove_service_type_kyc as remove_service_type_kyc,
)
from kwika.modules.reference.catalogue_admin import (
    service_type_kyc as service_type_kyc,
)
from kwika.modules.reference.catalogue_admin import (
    update_category as update_category,
)
from kwika.modules.reference.catalogue_admin import (
    update_event_type as update_event_type,
)
from kwika.modules.reference.catalogue_admin import (
    update_kyc_definition as update_kyc_definition,
)
from kwika.modules.reference.catalogue_admin import (
    update_service_type as update_service_type,
)
from kwika.modules.reference.places_admin import (
    create_country as create_country,
)
from kwika.modules.reference.places_admin import (
    create_currency as create_currency,
)
from kwika.modules.reference.places_admin import (
    create_interest as create_interest,
)
from kwika.modules.reference.places_admin import (
    delete_interest as delete_interest,
)
from kwika.modules.reference.places_admin import (
    list_countries as list_countries,
)
from kwika.modules.reference.places_admin import (
    list_currencies as list_currencies,
)
from kwika.modules.reference.places_admin import (
    list_interests as list_interests,
)
from kwika.modules.reference.places_admin import (
    update_country as update_country,
)
from kwika.modules.reference.places_admin import (
    update_currency as update_currency,
)
from kwika.modules.reference.places_admin import (
    update_interest as update_interest,
)
from kwika.modules.reference.reads import (
    category_records as category_records,
)
from kwika.modules.reference.reads import (
    countries as countries,
)
from kwika.modules.reference.reads import (
    country_records as country_records,
)
from kwika.modules.reference.reads import (
    currencies as currencies,
)
from kwika.modules.reference.reads import (
    currency_records as currency_records,
)
from kwika.modules.reference.reads import (
    default_currency as default_currency,
)
from kwika.modules.reference.reads import (
    event_type_records as event_type_records,
)
from kwika.modules.reference.reads import (
    event_types as event_types,
)
from kwika.modules.reference.reads import (
    find_category as find_category,
)
from kwika.modules.reference.reads import (
    find_service_type as find_service_type,
)
from kwika.modules.reference.reads import (
    interest_records as interest_records,
)
from kwika.modules.reference.reads import (
    interests as interests,
)
from kwika.modules.reference.reads import (
    kyc_definitions as kyc_definitions,
)
from kwika.modules.reference.reads import (
    kyc_for as kyc_for,
)
from kwika.modules.reference.reads import (
    kyc_mapping_records as kyc_mapping_records,
)
from kwika.modules.reference.reads import (
    service_categories as service_categories,
)
from kwika.modules.reference.reads import (
    service_type_records as service_type_records,
)
from kwika.modules.reference.reads import (
    service_types_in as service_types_in,
)
