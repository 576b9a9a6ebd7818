"""Admin views of timers parked after too many failed attempts."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.schemas.common import ApiModel, PageQuery


class TimerQuery(PageQuery):
    # Only parked timers are listed: scheduled ones are the sweep's business.
    state: Literal["dead"]


class TimerOut(ApiModel):
    id: str
    kind: str
    subject: str
    state: Literal["dead", "scheduled"]
    attempts: int
    last_error: str | None
    due_at: str
    dead_at: str | None
    payload: dict[str, Any]


class TimerList(ApiModel):
    items: list[TimerOut]
    next_cursor: str | None
