"""Base classes for request and response schemas.

Requests accept snake_case and camelCase keys (seed 001 clients send ``jobId``); responses
are always snake_case. Responses never carry a Beanie document, only these schemas.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import AliasChoices, AliasGenerator, BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

# A one-time verification code has one meaning and three names across the specs: every
# request that takes one accepts all of them (issue 11: one name per idea).
CODE_ALIASES = AliasChoices("code", "otp", "otp_code", "otpCode")
CODE_NAMES = "also accepted as `otp` or `otp_code`"


def _id_text(value: Any) -> Any:
    return None if value is None else str(value)


# An ObjectId (or any id) read from a document, sent as its string.
IdStr = Annotated[str, BeforeValidator(_id_text)]
OptionalIdStr = Annotated[str | None, BeforeValidator(_id_text)]


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
    """Body of a response. The one way to build it from a document (or a record, or any
    object with the same attribute names) is ``XOut.of(document, **computed)``: fields are
    read from the document's attributes (``from_attributes``; ids declared ``IdStr``);
    ``computed`` supplies or overrides the fields the document does not hold. A schema
    whose mapping needs more overrides ``of`` with the same shape."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, source: Any, /, **computed: Any) -> Self:
        # Field by field rather than model_validate(source): pydantic hands back an instance
        # of a subclass (a cached record with more fields) as it is, extra fields and all.
        values = {
            name: getattr(source, name)
            for name in cls.model_fields
            if name not in computed and hasattr(source, name)
        }
        return cls.model_validate({**values, **computed})
