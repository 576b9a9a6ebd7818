from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from chalicelib.domain import categories
from chalicelib.domain.availability import WEEKDAYS
from chalicelib.schemas.common import ApiModel, Currency, Money, MoneyIn, StrictModel

Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
CategorySlug = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def check_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as Asia/Baghdad") from None
    return value


class Location(StrictModel):
    city: str = Field(min_length=1, max_length=80)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


class _TalentFields(StrictModel):
    headline: str | None = Field(default=None, max_length=120)
    bio: str | None = Field(default=None, max_length=5000)
    skills: list[Skill] = Field(default_factory=list, max_length=30)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    travel_radius_km: int | None = Field(default=None, ge=0, le=20000)
    currency: Currency | None = None
    rate: MoneyIn | None = None
    timezone: str | None = None
    avatar_media_id: str | None = Field(default=None, pattern=_ULID.pattern)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return check_timezone(value)

    @field_validator("skills")
    @classmethod
    def _unique_skills(cls, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for skill in value:
            seen.setdefault(skill.casefold(), skill)
        return list(seen.values())

    @field_validator("languages")
    @classmethod
    def _unique_languages(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


def _check_categories(value: list[str]) -> list[str]:
    unknown = [slug for slug in value if not categories.is_known(slug)]
    if unknown:
        raise ValueError(f"unknown categories {unknown}; see GET /v1/categories")
    return list(dict.fromkeys(value))


Categories = Annotated[list[CategorySlug], AfterValidator(_check_categories)]


class TalentCreate(_TalentFields):
    display_name: str = Field(min_length=1, max_length=80)
    categories: Categories = Field(min_length=1, max_length=5)
    location: Location


class TalentPatch(_TalentFields):
    display_name: str | None = Field(default=None, min_length=1, max_length=80)
    categories: Categories | None = Field(default=None, min_length=1, max_length=5)
    location: Location | None = None
    is_active: bool | None = None
    is_suspended: bool | None = Field(default=None, description="admin only")
    badges: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] | None = Field(
        default=None, max_length=10, description="admin only"
    )


class PortfolioEntryOut(ApiModel):
    id: str
    title: str
    description: str | None
    media_id: str
    position: int


class TalentOut(ApiModel):
    id: str
    user_id: str
    display_name: str
    headline: str | None
    bio: str | None
    categories: list[str]
    skills: list[str]
    languages: list[str]
    location: dict[str, object]
    travel_radius_km: int | None
    currency: str | None
    rate: Money | None
    badges: list[str]
    timezone: str
    avatar_media_id: str | None
    rating_avg: float | None
    rating_count: int
    completed_count: int
    response_rate: float | None
    is_active: bool
    is_suspended: bool
    hidden: bool = Field(
        default=False, description="hidden by moderation (owner and admins see it)"
    )
    portfolio: list[PortfolioEntryOut]
    created_at: str
    updated_at: str


class PortfolioCreate(StrictModel):
    title: str = Field(min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    media_id: str = Field(pattern=_ULID.pattern)
    position: int = Field(default=0, ge=0, le=1000)


class PortfolioPatch(StrictModel):
    title: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    position: int | None = Field(default=None, ge=0, le=1000)


class DayIn(StrictModel):
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="the talent's local date")
    available: bool


class AvailabilityPut(StrictModel):
    days: list[DayIn] = Field(default_factory=list, max_length=366)
    weekly: list[Weekday] | None = Field(
        default=None, description="weekdays available by default; days override it"
    )
    clear_weekly: bool = False

    @field_validator("weekly")
    @classmethod
    def _weekly_order(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [day for day in WEEKDAYS if day in value]


class AvailabilityQuery(ApiModel):
    from_: str = Field(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
    to: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")


class DayOut(ApiModel):
    date: str
    available: bool
    booked: bool
    source: str


class AvailabilityOut(ApiModel):
    talent_id: str
    timezone: str
    weekly: list[str] | None
    days: list[DayOut]
