from __future__ import annotations

from chalicelib.schemas.common import ApiModel


class SavedOut(ApiModel):
    talent_id: str
    saved_at: str


class SavedList(ApiModel):
    items: list[SavedOut]
    next_cursor: str | None
