"""Payments: what the API takes and gives."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.schemas.common import ApiModel, Id, Money, StrictModel
from chalicelib.schemas.urls import ReturnUrl


class SubjectRef(StrictModel):
    type: Literal["booking", "milestone"]
    id: Id


class PaymentCreate(StrictModel):
    subject: SubjectRef
    provider: str = Field(min_length=1, max_length=32)
    return_url: ReturnUrl | None = None


PaymentState = Literal[
    "creating",
    "pending",
    "succeeded",
    "failed",
    "cancelled",
    "expired",
    "refund_pending",
    "refunded",
    "partially_refunded",
]


class PaymentActionOut(ApiModel):
    """What the payer does next: open a page, scan a code or confirm in the client."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: Literal["redirect", "qr", "client_secret"]
    url: str | None = None
    qr_code: str | None = None
    deeplinks: dict[str, str] | None = None
    client_secret: str | None = None
    expires_at: str | None = Field(default=None, description="RFC 3339")


class PaymentSubjectOut(ApiModel):
    type: Literal["booking", "milestone"]
    id: str


class PaymentOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    state: PaymentState
    subject: PaymentSubjectOut
    amount: Money
    provider: str
    provider_ref: str | None
    action: PaymentActionOut | None
    failure: str | None
    created_at: str
    updated_at: str


class ProviderOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    currencies: list[str]
    refunds: bool
    partial_refunds: bool


class ProviderList(ApiModel):
    items: list[ProviderOut]


class BalanceOut(ApiModel):
    """Per currency, in minor units: available to pay out, pending (earned but not payable
    yet: held until a delivery report passes QC, or sent and not yet confirmed), paid out."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    currency: str
    available: int
    pending: int = Field(description="held_for_qc + in_transit")
    held_for_qc: int = Field(description="released at completion, waiting for QC to pass")
    in_transit: int = Field(description="paid out, not yet confirmed by the provider")
    paid_out: int


class BalanceList(ApiModel):
    items: list[BalanceOut]


class AccountBalanceOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    account: str
    currency: str
    balance: int


class TrialBalanceOut(ApiModel):
    accounts: list[AccountBalanceOut]
    totals: dict[str, int] = Field(description="per currency; zero when the books balance")
    balanced: bool


class RefundOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    customer_id: str
    payment_id: str | None
    provider: str
    amount: int = Field(description="minor units of `currency`")
    currency: str
    state: Literal["sending", "refunded", "refund_pending", "manual_pending", "settled"]
    note: str | None


class RefundList(ApiModel):
    items: list[RefundOut]
    next_cursor: str | None


class WebhookOut(ApiModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    provider: str
    provider_ref: str | None
    event_id: str | None
    state: Literal["received", "processed", "unmatched", "failed"]
    note: str | None
    received_at: str


class WebhookList(ApiModel):
    items: list[WebhookOut]
    next_cursor: str | None
