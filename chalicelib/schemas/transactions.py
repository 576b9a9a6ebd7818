"""Bookings, jobs, proposals, contracts and milestones: what the API takes and gives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, RootModel, model_validator

from chalicelib.schemas.catalog import CategorySlug, Tier
from chalicelib.schemas.common import ApiModel, Id, Money, MoneyIn, PageQuery, StrictModel
from chalicelib.schemas.qc import DeliveryReportOut, QcOut

MAX_BOOKING_DAYS = 14
MAX_MILESTONES = 20
MAX_YEAR = 9000


class BookingLocation(StrictModel):
    address: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=100)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


class BookingCreate(StrictModel):
    service_id: Id
    package_tier: Tier | None = None
    start: datetime
    end: datetime | None = None
    location: BookingLocation | None = None
    event_type: str | None = Field(default=None, max_length=80)
    details: str | None = Field(default=None, max_length=5000)
    guest_count: int | None = Field(default=None, ge=1, le=100_000)

    # Strict mode takes datetimes only as datetime objects; JSON gives strings.
    model_config = ConfigDict(
        extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _parse_times(cls, values: Any) -> Any:
        if isinstance(values, dict):
            for name in ("start", "end"):
                if isinstance(values.get(name), str):
                    values = {**values, name: _rfc3339(values[name], name)}
        return values

    @model_validator(mode="after")
    def _consistent(self) -> BookingCreate:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end is not None and (self.end - self.start).days >= MAX_BOOKING_DAYS:
            raise ValueError(f"a booking lasts less than {MAX_BOOKING_DAYS} days")
        return self


def _rfc3339(text: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be an RFC 3339 timestamp") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} needs a UTC offset (e.g. 2026-12-01T18:00:00Z)")
    # Dates near year 9999 overflow once moved to UTC or shifted by a duration or a timer.
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{name} is out of range") from None
    if moment.year >= MAX_YEAR:
        raise ValueError(f"{name} is out of range")
    return moment


class BookingListQuery(PageQuery):
    role: Literal["customer", "talent"] = "customer"


class ProcessRef(ApiModel):
    name: str
    version: int


class SubjectRefOut(ApiModel):
    type: Literal["booking", "proposal", "contract", "milestone", "dispute"]
    id: str


class SubjectOut(ApiModel):
    """Every process subject carries these; each type adds its own fields."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    id: str
    type: Literal["booking", "proposal", "contract", "milestone"]
    state: str
    version: int
    process: ProcessRef
    customer_id: str
    talent_id: str
    talent_user_id: str
    created_at: str
    updated_at: str
    state_entered_at: str
    # Money each type carries, typed here so a float or a bare number cannot slip out.
    price: Money | None = Field(default=None, description="booking")
    deposit: Money | None = Field(default=None, description="booking, when the service asks one")
    amount: Money | None = Field(default=None, description="milestone")
    total: Money | None = Field(default=None, description="proposal, contract")
    start: str | None = Field(default=None, description="booking, RFC 3339")
    end: str | None = Field(default=None, description="booking, RFC 3339")
    report_required: bool | None = Field(
        default=None, description="booking: a delivery report gates the payout"
    )
    report: DeliveryReportOut | None = Field(
        default=None, description="booking: the delivery report"
    )
    qc: QcOut | None = Field(default=None, description="booking: the report's quality check")
    allowed_transitions: list[str] = Field(
        default_factory=list, description="what the caller may do now"
    )
    dispute_id: str | None = Field(
        default=None, description="booking, milestone: its dispute, once disputed"
    )


class SubjectList(ApiModel):
    items: list[SubjectOut]
    next_cursor: str | None


class EventOut(ApiModel):
    """One transition in a subject's history."""

    model_config = ConfigDict(extra="forbid", defer_build=True, populate_by_name=True)

    id: str
    subject: SubjectRefOut
    version: int
    transition: str
    actor: Literal["customer", "talent", "admin", "system"]
    actor_user_id: str | None
    from_: str | None = Field(alias="from")
    to: str
    params: dict[str, Any]
    at: str = Field(description="RFC 3339")


class EventList(ApiModel):
    items: list[EventOut]
    next_cursor: str | None


class TransitionQuery(ApiModel):
    dry_run: bool = False


class TransitionParams(RootModel[dict[str, Any]]):
    """The transition's parameters: each transition names its own in `GET /v1/processes`
    (e.g. `quote {price, note?}`, `cancel {reason?}`); an unknown name is a 400."""

    model_config = ConfigDict(defer_build=True)

    root: dict[str, Any] = Field(default_factory=dict)


class Budget(StrictModel):
    type: Literal["fixed", "hourly"]
    min: MoneyIn
    max: MoneyIn

    @model_validator(mode="after")
    def _ordered(self) -> Budget:
        if self.min.currency != self.max.currency:
            raise ValueError("budget min and max must be in one currency")
        if self.min.amount > self.max.amount:
            raise ValueError("budget min must not exceed max")
        return self


class SuggestedMilestone(StrictModel):
    title: str = Field(min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    amount: MoneyIn | None = None
    dod: list[str] = Field(default_factory=list, max_length=20)


class JobCreate(StrictModel):
    title: str = Field(min_length=5, max_length=120)
    description: str = Field(min_length=20, max_length=10_000)
    template: str | None = Field(default=None, max_length=40)
    category: CategorySlug
    skills: list[str] = Field(default_factory=list, max_length=20)
    budget: Budget
    milestones: list[SuggestedMilestone] | None = Field(default=None, max_length=MAX_MILESTONES)
    nda_required: bool = False
    visibility: Literal["public", "invite_only"] = "public"


class JobOut(ApiModel):
    model_config = ConfigDict(extra="allow", defer_build=True)

    id: str
    owner_user_id: str
    title: str
    state: str
    visibility: str
    hidden: bool = Field(default=False, description="hidden by moderation (owner and admins)")


class JobList(ApiModel):
    items: list[JobOut]
    next_cursor: str | None


class JobSearchQuery(PageQuery):
    q: str | None = Field(default=None, max_length=200)
    category: str | None = Field(default=None, max_length=80)
    skills: str | None = Field(default=None, max_length=400, description="comma-separated")


class InviteCreate(StrictModel):
    talent_id: Id


class ProposedMilestone(StrictModel):
    title: str = Field(min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    amount: MoneyIn
    due_date: date
    dod: list[str] = Field(default_factory=list, max_length=20)

    model_config = ConfigDict(
        extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _parse_date(cls, values: Any) -> Any:
        if isinstance(values, dict) and isinstance(values.get("due_date"), str):
            try:
                values = {**values, "due_date": date.fromisoformat(values["due_date"])}
            except ValueError:
                raise ValueError("due_date must be YYYY-MM-DD") from None
        return values


class ProposalCreate(StrictModel):
    cover: str = Field(min_length=10, max_length=10_000)
    milestones: list[ProposedMilestone] = Field(min_length=1, max_length=MAX_MILESTONES)
    delivery_days: int = Field(ge=1, le=730)
    revisions: int = Field(default=2, ge=0, le=10, description="revision rounds per milestone")

    @model_validator(mode="after")
    def _one_currency(self) -> ProposalCreate:
        if len({m.amount.currency for m in self.milestones}) > 1:
            raise ValueError("all milestones must be in one currency")
        return self


__all__ = ["Money"]
