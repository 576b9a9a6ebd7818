"""Disputes: what a party posts (evidence, offers), what an admin decides, what is shown."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from chalicelib.domain import disputes as rules
from chalicelib.schemas.common import (
    MAX_MONEY_AMOUNT,
    ApiModel,
    Currency,
    Id,
    Money,
    PageQuery,
    StrictModel,
)


class RefundIn(StrictModel):
    """Money in, like MoneyIn, but 0 is allowed: a refund of nothing, all to the talent."""

    amount: StrictInt = Field(
        ge=0,
        le=MAX_MONEY_AMOUNT,
        description="an integer in the currency's smallest unit in practical use "
        "(IQD: dinars; USD, EUR, GBP: cents); 0 refunds nothing",
    )
    currency: Currency


class EvidenceCreate(StrictModel):
    note: str = Field(min_length=1, max_length=rules.MAX_NOTE)
    media_ids: list[Id] = Field(default_factory=list, max_length=rules.MAX_MEDIA)
    message_ids: list[Id] = Field(default_factory=list, max_length=rules.MAX_MESSAGES)


class OfferCreate(StrictModel):
    refund_amount: RefundIn


class DecisionCreate(StrictModel):
    refund_amount: RefundIn
    note: str = Field(min_length=1, max_length=2000)


class EmptyBody(StrictModel):
    """No fields."""


class DisputeQueueQuery(PageQuery):
    state: Literal["awaiting_response", "negotiating", "escalated", "resolved"] = "escalated"


class DisputeSubjectOut(ApiModel):
    type: str
    id: str


class CopiedMessageOut(ApiModel):
    id: str
    sender_id: str
    body: str
    sent_at: str


class EvidenceOut(ApiModel):
    id: str
    author_id: str
    note: str
    media_ids: list[str]
    messages: list[CopiedMessageOut]
    created_at: str


class OfferOut(ApiModel):
    id: str
    by_user_id: str
    refund_amount: Money
    state: Literal["open", "replaced", "accepted"]
    created_at: str


class OutcomeOut(ApiModel):
    refund_amount: Money
    released_amount: Money
    by: Literal["agreement", "default", "admin"]


class DisputeOut(ApiModel):
    id: str
    subject: DisputeSubjectOut
    opened_by: str
    opener_role: str
    customer_id: str
    talent_user_id: str
    category: str
    reason: str
    state: Literal["awaiting_response", "negotiating", "escalated", "resolved"]
    version: int
    amount_in_dispute: Money
    response_due_at: str
    decision_due_at: str | None = None
    created_at: str
    evidence: list[EvidenceOut] = Field(description="empty in lists; see GET /v1/disputes/{id}")
    offers: list[OfferOut] = Field(description="empty in lists; see GET /v1/disputes/{id}")
    outcome: OutcomeOut | None = None


class DisputeList(ApiModel):
    items: list[DisputeOut]
    next_cursor: str | None
