"""Delivery reports and QC: what the talent posts, what both parties read, what an admin
decides (API.md, "Delivery reports and the QC gate")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt

from chalicelib.schemas.common import ApiModel, PageQuery, StrictModel

MAX_SUMMARY_CHARS = 20_000
MAX_ACTION_ITEMS = 20
MAX_ACTION_ITEM_CHARS = 1_000

ActionItem = Annotated[str, Field(min_length=1, max_length=MAX_ACTION_ITEM_CHARS)]


class DeliveryReportCreate(StrictModel):
    """Only the shape is checked here (a 400); whether it is a good report is QC's call."""

    summary: str = Field(min_length=1, max_length=MAX_SUMMARY_CHARS)
    action_items: list[ActionItem] = Field(max_length=MAX_ACTION_ITEMS)
    rating: StrictInt | None = Field(default=None, ge=1, le=5)


class DeliveryReportOut(ApiModel):
    summary: str
    action_items: list[str]
    rating: int | None
    version: int = Field(description="1 for the first report, +1 per resubmission")
    submitted_at: str


class QcOut(ApiModel):
    status: Literal["pending", "passed", "revise", "waived"]
    reasons: list[str] = Field(default_factory=list, description="every failed rule's code")
    explanations: list[str] = Field(default_factory=list, description="one per reason")
    checked_at: str | None = None
    report_version: int | None = Field(default=None, description="the report judged")
    decided_by: str | None = Field(default=None, description="the evaluator's name, or `admin`")
    note: str | None = None


class DeliveryReportPosted(ApiModel):
    report: DeliveryReportOut
    qc: QcOut


class QcDecision(StrictModel):
    status: Literal["passed", "waived"]
    note: str = Field(min_length=1, max_length=2000)


class QcQueueQuery(PageQuery):
    status: Literal["revise"] = "revise"


class QcQueueEntry(ApiModel):
    booking_id: str
    talent_id: str
    talent_user_id: str
    customer_id: str
    qc_status: str | None = Field(description="QC when escalated; null: no report yet")
    escalated_at: str


class QcQueueList(ApiModel):
    items: list[QcQueueEntry]
    next_cursor: str | None
