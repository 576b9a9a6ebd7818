"""Payments: what the API takes and gives."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.schemas.common import ApiModel, StrictModel
from chalicelib.schemas.urls import ReturnUrl


class SubjectRef(StrictModel):
    type: Literal["booking", "milestone"]
    id: str = Field(min_length=1, max_length=64)


class PaymentCreate(StrictModel):
    subject: SubjectRef
    provider: str = Field(min_length=1, max_length=32)
    return_url: ReturnUrl | None = None


class PaymentOut(ApiModel):
    model_config = ConfigDict(extra="allow", defer_build=True)

    id: str
    state: str
    amount: dict[str, Any]
    provider: str
    provider_ref: str | None
    action: dict[str, Any] | None
