"""Payouts: what the API takes and gives."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.schemas.common import ApiModel, Money, StrictModel
from chalicelib.schemas.urls import ReturnUrl

PayoutProvider = Literal["stripe", "fib", "manual"]

# Two letters, two check digits, up to 30 alphanumerics; an Iraqi IBAN is 23 characters.
IBAN_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$")
IBAN_LENGTHS = {"IQ": 23}


def normalise_iban(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


class PayoutMethodIn(StrictModel):
    provider: PayoutProvider
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="per provider: fib `{iban}`; manual `{bank_name, account_name, "
        "account_number}`; stripe `{country?, refresh_url?, return_url?}`",
    )


class FibDetails(StrictModel):
    iban: str = Field(min_length=5, max_length=48)

    @field_validator("iban")
    @classmethod
    def _iban_shape(cls, value: str) -> str:
        iban = normalise_iban(value)
        if not IBAN_PATTERN.fullmatch(iban):
            raise ValueError("an IBAN is 2 letters, 2 digits and up to 30 letters or digits")
        expected = IBAN_LENGTHS.get(iban[:2])
        if expected is not None and len(iban) != expected:
            raise ValueError(f"an {iban[:2]} IBAN has {expected} characters, not {len(iban)}")
        return iban


class ManualDetails(StrictModel):
    bank_name: str = Field(min_length=2, max_length=100)
    account_name: str = Field(min_length=2, max_length=100)
    account_number: str = Field(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$")


class StripeDetails(StrictModel):
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    refresh_url: ReturnUrl | None = None
    return_url: ReturnUrl | None = None


class PayoutMethodOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    provider: PayoutProvider
    details: dict[str, str | None] = Field(
        description="masked: IBANs and account numbers by their last 4 characters"
    )
    updated_at: str | None
    onboarding_url: str | None = Field(default=None, description="Stripe: finish onboarding")


PayoutState = Literal[
    "in_transit",
    "sending",
    "provider_pending",
    "manual_pending",
    "unconfirmed",
    "paid",
    "failed",
    "skipped",
]


class PayoutOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    talent_id: str
    state: PayoutState
    amount: Money
    method: PayoutProvider
    destination: dict[str, str | None]
    provider_ref: str | None
    failure: str | None
    note: str | None
    source_entry_id: str | None
    created_at: str
    updated_at: str
    paid_at: str | None


class PayoutList(ApiModel):
    items: list[PayoutOut]
    next_cursor: str | None


class AdminPayoutsQuery(ApiModel):
    state: Literal["manual_pending", "unconfirmed"] = "manual_pending"


class MarkPaidIn(StrictModel):
    reference: str | None = Field(default=None, min_length=1, max_length=200)


class MarkFailedIn(StrictModel):
    reason: str | None = Field(default=None, min_length=1, max_length=500)
