"""Staff writes on currencies, countries and interests."""

from __future__ import annotations

from kwika.core.errors import ValidationFailed
from kwika.modules.reference import cache
from kwika.modules.reference._common import (
    LIVE,
    apply,
    ensure_unique_name,
    find,
    free_key,
    insert,
    record_of,
    slug,
    soft_delete,
)
from kwika.modules.reference.documents import (
    Country,
    Currency,
    Interest,
)
from kwika.modules.reference.exceptions import (
    CountryExists,
    CountryNotFound,
    CurrencyExists,
    CurrencyNotFound,
    DefaultCurrency,
)
from kwika.modules.reference.reads import (
    country_records,
    currency_records,
    default_currency,
    interest_records,
)
from kwika.modules.reference.schemas import (
    CountryIn,
    CountryRecord,
    CountryUpdate,
    CurrencyIn,
    CurrencyRecord,
    CurrencyUpdate,
    InterestIn,
    InterestRecord,
    InterestUpdate,
)

# ---------------------------------------------------------------- currencies + countries


async def list_currencies() -> list[CurrencyRecord]:
    return await currency_records()


async def create_currency(data: CurrencyIn) -> CurrencyRecord:
    code = data.code.upper()
    if await Currency.find_one({"key": code}) is not None:
        raise CurrencyExists()
    item = await insert(Currency(key=code, **{**data.model_dump(), "code": code}))
    return record_of(item, CurrencyRecord)


async def update_currency(code: str, data: CurrencyUpdate) -> CurrencyRecord:
    item = await Currency.find_one({"key": code.upper(), **LIVE})
    if item is None:
        raise CurrencyNotFound()
    if data.is_active is False and item.code == default_currency():
        raise DefaultCurrency()
    return record_of(await apply(Currency, item, data), CurrencyRecord)


async def list_countries() -> list[CountryRecord]:
    return await country_records()


async def _check_currency(code: str | None) -> None:
    if code and await Currency.find_one({"key": code.upper(), **LIVE}) is None:
        raise ValidationFailed.single("currency_code", "Unknown currency")


async def create_country(data: CountryIn) -> CountryRecord:
    code = data.code.upper()
    if await Country.find_one({"key": code}) is not None:
        raise CountryExists()
    await _check_currency(data.currency_code)
    values = {**data.model_dump(), "code": code, "currency_code": data.currency_code.upper()}
    item = await insert(Country(key=code, **values))
    return record_of(item, CountryRecord)


async def update_country(code: str, data: CountryUpdate) -> CountryRecord:
    item = await Country.find_one({"key": code.upper(), **LIVE})
    if item is None:
        raise CountryNotFound()
    await _check_currency(data.currency_code)
    if data.currency_code:
        data = data.model_copy(update={"currency_code": data.currency_code.upper()})
    return record_of(await apply(Country, item, data), CountryRecord)


# ---------------------------------------------------------------- interests (seed 004 3.2)


async def list_interests() -> list[InterestRecord]:
    return await interest_records()


async def create_interest(data: InterestIn) -> InterestRecord:
    await ensure_unique_name(Interest, data.name, "Interest")
    key = await free_key(Interest, slug(data.name))
    item = await insert(Interest(key=key, **data.model_dump()))
    return record_of(item, InterestRecord)


async def update_interest(interest_id: str, data: InterestUpdate) -> InterestRecord:
    item = await find(Interest, interest_id, "Interest")
    if data.name:
        await ensure_unique_name(Interest, data.name, "Interest", exclude=item.id)
    return record_of(await apply(Interest, item, data), InterestRecord)


async def delete_interest(interest_id: str) -> None:
    item = await find(Interest, interest_id, "Interest")
    await soft_delete(Interest, {"_id": item.id})
    await cache.invalidate()
