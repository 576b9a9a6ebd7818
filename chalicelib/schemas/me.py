from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from chalicelib.schemas.common import ApiModel, StrictModel

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_LOCALE = re.compile(r"^(en|ar|ku|ckb)(-[A-Z]{2})?$")


class NotificationPrefsPatch(StrictModel):
    email: bool | None = None
    in_app: bool | None = None
    sms: bool | None = None
    marketing: bool | None = None
    muted_kinds: list[str] | None = Field(
        default=None,
        max_length=50,
        description="notification types neither shown nor emailed (not receipts, refunds, "
        "dispute deadlines or payouts: those always go out)",
    )

    @field_validator("muted_kinds")
    @classmethod
    def _mutable(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        from chalicelib.domain.notification_kinds import KINDS, always_sent

        unknown = sorted(set(value) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown notification types: {', '.join(unknown)}")
        fixed = sorted(set(value) & always_sent())
        if fixed:
            raise ValueError(f"these are always sent and cannot be muted: {', '.join(fixed)}")
        return sorted(set(value))


class NotificationPrefs(ApiModel):
    email: bool = True
    in_app: bool = True
    sms: bool = False
    marketing: bool = False
    muted_kinds: list[str] = []


class MePatch(StrictModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=80)
    phone: str | None = Field(default=None, description="E.164, e.g. +9647701234567")
    timezone: str | None = Field(default=None, description="IANA time zone, e.g. Asia/Baghdad")
    locale: str | None = Field(default=None, description="en, ar, ku or ckb, optional region")
    notification_prefs: NotificationPrefsPatch | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _E164.match(value):
            raise ValueError("phone must be in E.164 form, e.g. +9647701234567")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("timezone must be an IANA zone such as Asia/Baghdad") from None
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        if value is not None and not _LOCALE.match(value):
            raise ValueError("locale must be en, ar, ku or ckb, optionally with a region")
        return value


class MeOut(ApiModel):
    id: str
    email: str | None
    display_name: str | None
    phone: str | None
    roles: list[str]
    timezone: str
    locale: str
    notification_prefs: NotificationPrefs
    talent_id: str | None = None
    created_at: str
    email_status: str = Field(
        default="deliverable",
        description="deliverable, or bounced / complained: no email goes to the address then",
    )
