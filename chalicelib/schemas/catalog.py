from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from chalicelib.domain import categories
from chalicelib.schemas.common import ApiModel, Money, MoneyIn, PageQuery, StrictModel

Tier = Literal["basic", "standard", "premium"]
Policy = Literal["flexible", "moderate", "strict"]


class Pricing(StrictModel):
    type: Literal["fixed", "hourly"]
    price: MoneyIn


class PackageIn(StrictModel):
    tier: Tier
    title: str = Field(min_length=1, max_length=80)
    price: MoneyIn
    delivery_days: int = Field(ge=0, le=365)
    revisions: int = Field(ge=0, le=20)


def _check_category(value: str) -> str:
    if not categories.is_known(value):
        raise ValueError("unknown category; see GET /v1/categories")
    return value


# The document lists the known slugs, so a client can offer them and a fuzzer pick one.
CategorySlug = Annotated[
    str,
    AfterValidator(_check_category),
    Field(json_schema_extra={"enum": sorted(categories.BY_SLUG)}),
]


def _check_packages(pricing: Pricing | None, packages: list[PackageIn] | None) -> None:
    if not packages:
        return
    tiers = [p.tier for p in packages]
    if len(set(tiers)) != len(tiers):
        raise ValueError("package tiers must be distinct")
    if pricing is not None and any(p.price.currency != pricing.price.currency for p in packages):
        raise ValueError("packages must be priced in the service's currency")


class ServiceCreate(StrictModel):
    title: str = Field(min_length=3, max_length=100)
    description: str | None = Field(default=None, max_length=5000)
    category: CategorySlug
    pricing: Pricing
    duration_minutes: int | None = Field(default=None, ge=15, le=10080)
    packages: list[PackageIn] = Field(default_factory=list, max_length=3)
    deposit_percent: int = Field(default=0, ge=0, le=100)
    cancellation_policy: Policy = "moderate"
    report_required: bool | None = Field(
        default=None,
        description="a delivery report gates the payout; default: the category's mark",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ServiceCreate:
        _check_packages(self.pricing, self.packages)
        if self.pricing.type == "hourly" and self.duration_minutes is None:
            raise ValueError("hourly services need duration_minutes (the minimum booking)")
        return self


class ServicePatch(StrictModel):
    title: str | None = Field(default=None, min_length=3, max_length=100)
    description: str | None = Field(default=None, max_length=5000)
    category: CategorySlug | None = None
    pricing: Pricing | None = None
    duration_minutes: int | None = Field(default=None, ge=15, le=10080)
    packages: list[PackageIn] | None = Field(default=None, max_length=3)
    deposit_percent: int | None = Field(default=None, ge=0, le=100)
    cancellation_policy: Policy | None = None
    is_active: bool | None = None
    report_required: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServicePatch:
        _check_packages(self.pricing, self.packages)
        return self


class PackageOut(ApiModel):
    tier: str
    title: str
    price: Money
    delivery_days: int
    revisions: int


class PricingOut(ApiModel):
    type: str
    price: Money


class ServiceOut(ApiModel):
    id: str
    talent_id: str
    title: str
    description: str | None
    category: CategorySlug
    pricing: PricingOut
    duration_minutes: int | None
    packages: list[PackageOut]
    deposit_percent: int
    cancellation_policy: str
    is_active: bool
    report_required: bool
    created_at: str
    updated_at: str


class ServiceList(ApiModel):
    items: list[ServiceOut]
    next_cursor: str | None


class ServiceListQuery(PageQuery):
    include_inactive: bool = False
