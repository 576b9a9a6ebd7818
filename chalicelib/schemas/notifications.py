"""The in-app notification center: a person's notifications, newest first, and marking
them read."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.schemas.common import ApiModel, PageQuery, StrictModel

# Notification ids are ULIDs: 26 Crockford base32 characters.
NotificationId = Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]


class NotificationQuery(PageQuery):
    unread: bool = False


class LinkOut(ApiModel):
    type: str
    id: str


class NotificationOut(ApiModel):
    id: str
    type: str
    title: str
    body: str
    link: LinkOut
    created_at: str
    read_at: str | None


class NotificationList(ApiModel):
    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int


class MarkRead(StrictModel):
    ids: list[NotificationId] | None = Field(default=None, min_length=1, max_length=100)
    all: bool | None = None

    @model_validator(mode="after")
    def _one_of(self) -> MarkRead:
        if (self.ids is None) == (self.all is not True):
            raise ValueError("give either ids (1 to 100 notification ids) or all: true")
        return self


class MarkReadOut(ApiModel):
    marked: int
    unread_count: int
