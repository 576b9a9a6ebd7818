"""Request and response pieces shared by many endpoints."""

from __future__ import annotations

from typing import Literal

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


class MoneyIn(StrictModel):
    amount: StrictInt = Field(gt=0, le=MAX_MONEY_AMOUNT, description="minor units, an integer")
    currency: Currency


class Money(ApiModel):
    amount: int
    currency: str


class PageQuery(ApiModel):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)
