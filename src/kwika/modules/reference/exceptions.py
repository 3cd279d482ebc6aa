"""Reference data's named errors. ``documents/error-codes.md`` is generated from this file."""

from __future__ import annotations

from kwika.core.errors import Conflict, FieldError, NotFound


class RecordNotFound(NotFound):
    """A reference record of any kind, named by ``what`` ("Service type", "Interest"...)."""

    default_message = "{what} not found"

    def __init__(self, what: str) -> None:
        super().__init__(self.default_message.format(what=what))


class ServiceCategoryNotFound(NotFound):
    default_message = "Service category not found"


class ServiceTypeNotFound(NotFound):
    default_message = "Service type not found"


class EventTypeNotFound(NotFound):
    default_message = "Event type not found"


class KycMappingNotFound(NotFound):
    default_message = "KYC mapping not found"


class CurrencyNotFound(NotFound):
    default_message = "Currency not found"


class CountryNotFound(NotFound):
    default_message = "Country not found"


class NameTaken(Conflict):
    code = "DUPLICATE"
    default_message = "{what} already exists"

    def __init__(self, what: str) -> None:
        super().__init__(
            self.default_message.format(what=what),
            errors=[FieldError("name", f"A {what.lower()} with this name already exists")],
        )


class AlreadyExists(Conflict):
    """The unique index refused a record a concurrent request created first."""

    code = "DUPLICATE"
    default_message = "Already exists"


class KycAlreadyMapped(Conflict):
    code = "DUPLICATE"
    default_message = "This requirement already applies to the service type"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("kyc_requirement_id", "Already mapped")])


class CurrencyExists(Conflict):
    code = "DUPLICATE"
    default_message = "Currency already exists"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("code", "This currency already exists")])


class CountryExists(Conflict):
    code = "DUPLICATE"
    default_message = "Country already exists"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError("code", "This country already exists")])


class InUse(Conflict):
    code = "IN_USE"
    default_message = "Services use this {what}; move them first"

    def __init__(self, what: str) -> None:
        super().__init__(self.default_message.format(what=what))


class DefaultCurrency(Conflict):
    code = "DEFAULT_CURRENCY"
    default_message = "The default currency cannot be deactivated"
