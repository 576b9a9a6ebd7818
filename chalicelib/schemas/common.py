"""Request and response pieces shared by many endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

Currency = Literal["IQD", "USD", "EUR", "GBP"]


class ApiModel(BaseModel):
    """Base of every API model. Validators are built on first use, not at import: a Lambda
    container pays only for the endpoints it serves (cold start)."""

    model_config = ConfigDict(defer_build=True)


class StrictModel(ApiModel):
    """Request bodies refuse unknown fields (a typo is a 400, not silently ignored) and
    refuse coercion: "yes" is not a boolean, "10" is not a number."""

    model_config = ConfigDict(
        extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True
    )


class ErrorBody(ApiModel):
    code: str
    message: str
    details: dict[str, object]


class ErrorEnvelope(ApiModel):
    error: ErrorBody


MAX_MONEY_AMOUNT = 10**12


_MINOR_UNITS = (
    "an integer in the currency's smallest unit in practical use "
    "(IQD: dinars; USD, EUR, GBP: cents)"
)


class MoneyIn(StrictModel):
    amount: StrictInt = Field(gt=0, le=MAX_MONEY_AMOUNT, description=_MINOR_UNITS)
    currency: Currency


class Money(ApiModel):
    amount: int = Field(ge=0, description=_MINOR_UNITS)
    currency: Currency


# Ids are ULIDs. A request field typed `Id` publishes the pattern for clients and fuzzers;
# the API does not refuse other text by it (an unknown id stays a 404, as it always was).
ULID_PATTERN = "^[0-9A-HJKMNP-TV-Z]{26}$"
Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        json_schema_extra={"pattern": ULID_PATTERN, "description": "a ULID"},
    ),
]

CURSOR_TEXT = "An opaque cursor: the previous page's `next_cursor`, passed back unchanged"
Cursor = Annotated[str, Field(max_length=2048, description=CURSOR_TEXT)]


class PageQuery(ApiModel):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: Cursor | None = Field(default=None, description=CURSOR_TEXT)
