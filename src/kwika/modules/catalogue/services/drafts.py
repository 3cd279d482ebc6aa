"""A service or experience request checked into the fields to store (seed 003 7.3/7.4,
seed 000 1.4, seed 002 Task 6): texts, location, prices, references, placement in a company
and catalogue, phone. :func:`draft_of` runs every check and reports all problems at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId

from kwika.core.errors import FieldError, NotFound, ValidationFailed
from kwika.core.geo import pair_problems, point_or_none
from kwika.core.money import from_minor
from kwika.core.text import search_key, search_keys
from kwika.core.tokens import Principal
from kwika.modules import providers, reference
from kwika.modules.catalogue.documents import (
    ExperienceDetails,
    PhoneRef,
    Service,
)
from kwika.modules.catalogue.exceptions import (
    ServiceSuspended,
)
from kwika.modules.catalogue.schemas import (
    ExperienceIn,
    ServiceIn,
    ServiceUpdateIn,
)
from kwika.modules.catalogue.services.catalogues import owned_catalogue, owned_category
from kwika.modules.catalogue.services.money import currency_code, minor

# Seed 002 names on /experiences -> the service fields they fill.
EXPERIENCE_NAMES = {"category": "experience_category", "price": "min_price"}
EXPERIENCE_ERRORS = {v: k for k, v in EXPERIENCE_NAMES.items()}


def experience_fields(data: ExperienceIn, *, creating: bool) -> ServiceUpdateIn:
    """An /experiences request as the service fields it means."""
    values = {
        EXPERIENCE_NAMES.get(name, name): getattr(data, name) for name in data.model_fields_set
    }
    if creating:
        values.setdefault("price_unit", "per_person")
        values["price_type"] = "fixed"
        values["kind"] = "experience"
    return ServiceUpdateIn.model_validate(values)


class Draft:
    """The fields a create or update sets and unsets, checked together."""

    def __init__(self, data: ServiceIn, current: Service | None, renames: dict[str, str]) -> None:
        self.data = data
        self.current = current
        self.creating = current is None
        self.sent = set(data.model_fields_set)
        self.renames = renames
        self.set: dict[str, Any] = {}
        self.unset: dict[str, str] = {}
        self.errors: list[FieldError] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(FieldError(self.renames.get(field, field), message))

    def given(self, name: str) -> bool:
        return name in self.sent

    def put(self, field: str, value: Any) -> None:
        if value is None or value == []:
            if not self.creating:
                self.unset[field] = ""
            if value == []:
                self.set[field] = []
                self.unset.pop(field, None)
        else:
            self.set[field] = value.model_dump() if hasattr(value, "model_dump") else value

    def after(self, field: str) -> Any:
        """The value the document will hold."""
        if field in self.set:
            return self.set[field]
        if field in self.unset:
            return None
        return getattr(self.current, field, None) if self.current is not None else None

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(errors=self.errors)


def _texts(draft: Draft) -> None:
    data = draft.data
    if draft.given("title") or draft.given("name"):
        title = data.title or data.name
        if not title:
            draft.error("title", "This field is required")
        else:
            draft.put("title", title)
            draft.put("title_key", search_key(title) or title.lower())
    elif draft.creating:
        draft.error("title", "This field is required")
    if draft.given("description"):
        if not data.description:
            draft.error("description", "This field is required")
        else:
            draft.put("description", data.description)
    elif draft.creating:
        draft.error("description", "This field is required")
    for name in (
        "short_description",
        "price_notes",
        "full_address",
        "travel_fee_info",
        "years_experience",
        "team_size",
        "booking_lead_time_days",
        "cancellation_policy",
        "insurance_info",
        "price_unit",
    ):
        if draft.given(name):
            draft.put(name, getattr(data, name))
    if draft.given("location"):
        draft.put("location", data.location)
        draft.put("location_key", search_key(data.location))
    if draft.given("service_areas"):
        areas = data.service_areas or []
        draft.put("service_areas", areas)
        draft.put("service_area_keys", search_keys(areas))
    if draft.given("languages"):
        languages = data.languages or []
        draft.put("languages", languages)
        draft.put("language_keys", search_keys(languages))
    if draft.given("highlights"):
        draft.put("highlights", data.highlights or [])
    if draft.given("is_available") and data.is_available is not None:
        draft.put("is_available", data.is_available)
    if draft.given("status") and data.status is not None:
        if draft.current is not None and draft.current.status == "suspended":
            raise ServiceSuspended()
        draft.put("status", data.status)


def _location(draft: Draft) -> None:
    data = draft.data
    if not (draft.given("latitude") or draft.given("longitude")):
        return
    for problem in pair_problems(data.latitude, data.longitude):
        draft.error(problem.field, problem.message)
    draft.put("geo", point_or_none(data.latitude, data.longitude))


def _kind(draft: Draft) -> str:
    data = draft.data
    if draft.creating:
        return data.kind or "service"
    assert draft.current is not None
    if draft.given("kind") and data.kind and data.kind != draft.current.kind:
        draft.error("kind", "A listing cannot change its kind")
    return draft.current.kind


def _experience(draft: Draft, kind: str) -> None:
    data = draft.data
    if kind != "experience":
        if draft.given("experience_category") and data.experience_category:
            draft.error("experience_category", "Only experiences have an experience category")
        return
    if draft.given("experience_category"):
        if data.experience_category is None:
            draft.error("experience_category", "This field is required")
        draft.put("experience_category", data.experience_category)
    elif draft.creating:
        draft.error("experience_category", "This field is required")
    current = draft.current.experience if draft.current and draft.current.experience else None
    details = current.model_copy() if current else ExperienceDetails()
    for name in ("duration_hours", "min_group_size", "max_group_size", "meeting_point"):
        if draft.given(name):
            value = getattr(data, name)
            setattr(details, name, 1 if name == "min_group_size" and value is None else value)
    if draft.creating and details.duration_hours is None:
        draft.error("duration_hours", "This field is required")
    if details.max_group_size is not None and details.max_group_size < details.min_group_size:
        draft.error("max_group_size", "max_group_size must be at least min_group_size")
    draft.put("experience", details)


async def _prices(draft: Draft, kind: str) -> None:
    data = draft.data
    currency = draft.current.currency if draft.current else None
    if draft.given("currency") or draft.creating:
        try:
            currency = await currency_code(data.currency)
        except ValidationFailed as exc:
            draft.errors.extend(exc.errors)
            return
        draft.put("currency", currency)
    assert currency is not None
    old_currency = draft.current.currency if draft.current else currency
    min_amount = _amount(draft, "min_price", "price", "min_price_minor", old_currency)
    max_amount = _amount(draft, "max_price", None, "max_price_minor", old_currency)
    price_type = data.price_type if draft.given("price_type") and data.price_type else None
    if price_type is None:
        price_type = draft.current.price_type if draft.current else None
    if price_type is None:
        price_type = "range" if max_amount is not None else "fixed"
    draft.put("price_type", price_type)
    if kind == "experience" and min_amount is None:
        draft.error("min_price", "This field is required")
    if price_type == "range":
        if min_amount is None:
            draft.error("min_price", "A price range needs min_price")
        if max_amount is None:
            draft.error("max_price", "A price range needs max_price")
        elif min_amount is not None and max_amount < min_amount:
            draft.error("max_price", "max_price must be at least min_price")
    elif price_type in ("fixed", "starting_from"):
        if min_amount is None:
            draft.error("min_price", "This field is required")
        max_amount = None
    for field, amount, stored in (
        ("min_price", min_amount, "min_price_minor"),
        ("max_price", max_amount, "max_price_minor"),
    ):
        try:
            draft.put(stored, minor(amount, currency, field))
        except ValidationFailed as exc:
            draft.errors.extend(exc.errors)


def _amount(
    draft: Draft, name: str, alias: str | None, stored: str, old_currency: str
) -> Decimal | None:
    """The amount after the change: sent (``name`` or its seed 000 ``alias``), else the
    stored one (in the old currency's units)."""
    data = draft.data
    if draft.given(name):
        return getattr(data, name)
    if alias and draft.given(alias):
        return getattr(data, alias)
    if draft.current is None:
        return None
    current = getattr(draft.current, stored)
    return from_minor(current, old_currency) if current is not None else None


async def _references(draft: Draft) -> None:
    data = draft.data
    type_id = data.service_type_id if draft.given("service_type_id") else None
    category_id = data.service_category_id if draft.given("service_category_id") else None
    if draft.given("service_type_id"):
        if type_id:
            try:
                service_type = await reference.get_service_type(type_id)
            except NotFound:
                draft.error("service_type_id", "Unknown service type")
                return
            if not service_type.is_active:
                draft.error("service_type_id", "This service type is no longer offered")
                return
            if category_id and category_id != service_type.category_id:
                draft.error("service_category_id", "The service type is in another category")
                return
            draft.put("service_type_id", ObjectId(service_type.id))
            draft.put("service_category_id", ObjectId(service_type.category_id))
            return
        draft.put("service_type_id", None)
    if draft.given("service_category_id"):
        if category_id:
            try:
                category = await reference.get_category(category_id)
            except NotFound:
                draft.error("service_category_id", "Unknown service category")
                return
            if not category.is_active:
                draft.error("service_category_id", "This category is no longer offered")
                return
            current_type = draft.after("service_type_id")
            if current_type is not None:
                known = await reference.get_service_type(current_type)
                if known.category_id != category.id:
                    draft.error("service_category_id", "The service type is in another category")
                    return
            draft.put("service_category_id", ObjectId(category.id))
        else:
            draft.put("service_category_id", None)
            draft.put("service_type_id", None)


async def _placement(draft: Draft, owner_id: ObjectId) -> None:
    """Company, catalogue and category: all the caller's, and of one company."""
    data = draft.data
    company_id = draft.after("company_id")
    if draft.given("company_id"):
        if data.company_id:
            company = await providers.get_owned_company(owner_id, data.company_id)
            company_id = ObjectId(company.id)
        else:
            company_id = None
        draft.put("company_id", company_id)
    for name, finder in (("catalogue_id", owned_catalogue), ("category_id", owned_category)):
        if not draft.given(name):
            continue
        value = getattr(data, name)
        if not value:
            draft.put(name, None)
            continue
        item = await finder(owner_id, value)
        if company_id is None:
            company_id = item.company_id
            draft.put("company_id", company_id)
        elif item.company_id != company_id:
            draft.error(name, "This belongs to another of your companies")
            continue
        draft.put(name, item.id)
    if draft.given("company_id") and draft.current is not None:
        # Moving to another company leaves catalogue and category behind unless resent.
        for name in ("catalogue_id", "category_id"):
            moved = draft.current.company_id != company_id
            if moved and not draft.given(name) and draft.after(name) is not None:
                draft.put(name, None)


async def _phone(draft: Draft, owner_id: ObjectId) -> None:
    if not draft.given("business_phone_id"):
        return
    if not draft.data.business_phone_id:
        draft.put("business_phone", None)
        return
    phone = await providers.verified_business_phone(owner_id, draft.data.business_phone_id)
    draft.put(
        "business_phone", PhoneRef(id=PydanticObjectId(phone.id), phone_number=phone.phone_number)
    )


async def draft_of(
    principal: Principal,
    data: ServiceIn,
    current: Service | None,
    renames: dict[str, str],
) -> tuple[Draft, str]:
    draft = Draft(data, current, renames)
    kind = _kind(draft)
    _texts(draft)
    _location(draft)
    _experience(draft, kind)
    await _prices(draft, kind)
    await _references(draft)
    draft.check()
    await _placement(draft, principal.id)
    await _phone(draft, principal.id)
    draft.check()
    return draft, kind
