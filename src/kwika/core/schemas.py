"""Base classes for request and response schemas.

Requests accept snake_case and camelCase keys (seed 001 clients send ``jobId``); responses
are always snake_case. Responses never carry a Beanie document, only these schemas.
"""

from __future__ import annotations

from pydantic import AliasChoices, AliasGenerator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

# A one-time verification code has one meaning and three names across the specs: every
# request that takes one accepts all of them (issue 11: one name per idea).
CODE_ALIASES = AliasChoices("code", "otp", "otp_code", "otpCode")
CODE_NAMES = "also accepted as `otp` or `otp_code`"


def _snake_or_camel(name: str) -> AliasChoices | str:
    camel = to_camel(name)
    return AliasChoices(name, camel) if camel != name else name


class RequestSchema(BaseModel):
    """Body of a request: unknown keys are ignored, strings are stripped."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=_snake_or_camel),
        populate_by_name=True,
        str_strip_whitespace=True,
        extra="ignore",
    )


class ResponseSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)
