"""Field types shared by the identity schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
)
from pydantic_core import PydanticCustomError

from kwika.core.security import password_problems
from kwika.modules.identity.validation import (
    normalize_email,
    normalize_phone,
    validate_name,
    validate_username,
)

Email = Annotated[str, Field(max_length=254), AfterValidator(normalize_email)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(normalize_phone)]
Username = Annotated[str, AfterValidator(validate_username)]
FirstName = Annotated[str, AfterValidator(lambda v: validate_name(v, "First name"))]
LastName = Annotated[str, AfterValidator(lambda v: validate_name(v, "Last name"))]
Password = Annotated[str, Field(min_length=1, max_length=128)]


def _strong_password(value: str) -> str:
    problems = password_problems(value)
    if problems:
        raise PydanticCustomError("password", problems[0])
    return value


NewPassword = Annotated[str, Field(max_length=128), AfterValidator(_strong_password)]
"""A password being chosen: seed 003 rule plus the common-password blocklist."""
Code = Annotated[str, Field(min_length=4, max_length=64)]
