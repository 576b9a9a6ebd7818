"""The admin console's requests and answers: moderation, users, audit, dashboard, exports."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator

from chalicelib.schemas.common import ApiModel, PageQuery, StrictModel
from chalicelib.schemas.threads import AboutOut

# A dashboard or an export covers at most this many days (inclusive).
MAX_RANGE_DAYS = 366

ReportAction = Literal["dismiss", "hide", "suspend_user", "restore"]
Role = Literal["customer", "talent", "admin"]
ExportKind = Literal["payments", "payouts", "bookings", "disputes", "audit"]


class ReportQuery(PageQuery):
    state: Literal["open", "decided"] = "open"


class ReportDecision(StrictModel):
    action: ReportAction = Field(description="restore puts hidden content back (an upheld appeal)")
    note: str = Field(min_length=1, max_length=2000)


class AdminReportOut(ApiModel):
    id: str
    target: AboutOut
    reason: str
    details: str | None
    state: Literal["open", "decided"]
    reporter_id: str
    created_at: str
    appeal: bool = Field(description="the author of hidden content asks for it back")
    decision: ReportAction | None = None
    note: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None


class AdminReportList(ApiModel):
    items: list[AdminReportOut]
    next_cursor: str | None


class UserQuery(PageQuery):
    q: str = Field(min_length=1, max_length=200, description="an email, or a name word prefix")


class AdminUserOut(ApiModel):
    id: str
    email: str | None
    display_name: str | None
    roles: list[str]
    configured_admin: bool = Field(description="admin by ADMIN_EMAILS / ADMIN_SUBJECTS")
    status: Literal["active", "suspended"]
    talent_id: str | None
    created_at: str


class AdminUserList(ApiModel):
    items: list[AdminUserOut]
    next_cursor: str | None


class SuspensionIn(StrictModel):
    reason: str = Field(min_length=1, max_length=2000)


class RolesIn(StrictModel):
    add: list[Role] = Field(default_factory=list, max_length=3)
    remove: list[Role] = Field(default_factory=list, max_length=3)
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _something(self) -> RolesIn:
        if not self.add and not self.remove:
            raise ValueError("add or remove at least one role")
        return self


class AuditQuery(PageQuery):
    actor: str | None = Field(default=None, min_length=1, max_length=64)
    target: str | None = Field(
        default=None,
        min_length=3,
        max_length=200,
        pattern=r"^[a-z_]+:[^:]+$",
        description="`type:id`, e.g. `user:01J...` or `report:01J...`",
    )


class AuditTarget(ApiModel):
    type: str
    id: str


class AuditEntryOut(ApiModel):
    id: str
    actor_id: str
    action: str
    target: AuditTarget
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    created_at: str


class AuditList(ApiModel):
    items: list[AuditEntryOut]
    next_cursor: str | None


def check_range(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise ValueError("to is before from")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValueError(f"a range covers at most {MAX_RANGE_DAYS} days")


class DashboardQuery(ApiModel):
    """`from` and `to`: dates, inclusive, UTC; at most MAX_RANGE_DAYS days."""

    from_: dt.date = Field(alias="from")
    to: dt.date

    @model_validator(mode="after")
    def _bounded(self) -> DashboardQuery:
        check_range(self.from_, self.to)
        return self


class PayoutsPending(ApiModel):
    count: int
    amount: dict[str, int]


class DashboardOut(ApiModel):
    model_config = {"populate_by_name": True, "defer_build": True}

    from_: str = Field(alias="from")
    to: str
    gmv: dict[str, int]
    platform_revenue: dict[str, int]
    bookings_by_state: dict[str, int]
    contracts_by_state: dict[str, int]
    disputes_open: int
    payouts_pending: PayoutsPending
    new_users: int
    active_talent: int


class ExportIn(StrictModel):
    """`from` and `to`: dates, inclusive, UTC; at most MAX_RANGE_DAYS days."""

    kind: ExportKind
    from_: str = Field(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
    to: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")

    @model_validator(mode="after")
    def _bounded(self) -> ExportIn:
        check_range(self.first, self.last)
        return self

    @property
    def first(self) -> dt.date:
        return dt.date.fromisoformat(self.from_)

    @property
    def last(self) -> dt.date:
        return dt.date.fromisoformat(self.to)


class ExportOut(ApiModel):
    id: str
    kind: ExportKind
    state: Literal["running", "ready", "failed"]
    from_: str = Field(alias="from")
    to: str
    rows: int | None = None
    error: str | None = None
    download_url: str | None = None
    created_at: str
