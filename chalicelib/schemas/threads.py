"""Conversations: threads, messages, read receipts, blocks and reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.schemas.common import ApiModel, Id, StrictModel

AboutType = Literal["talent", "booking", "job", "proposal", "contract"]
# Code points, not bytes: 5000 Arabic letters or emoji are as welcome as 5000 Latin ones.
Body = Annotated[str, Field(min_length=1, max_length=5000)]
Attachments = Annotated[list[Id], Field(max_length=10)]


class About(StrictModel):
    type: AboutType
    id: Id


class ThreadCreate(StrictModel):
    about: About
    body: Body
    attachments: Attachments = []


class MessageCreate(StrictModel):
    body: Body
    attachments: Attachments = []


class ReadReceipt(StrictModel):
    up_to: Id = Field(description="a message id of this thread")


class AboutOut(ApiModel):
    type: str
    id: str


class MessageOut(ApiModel):
    id: str
    thread_id: str
    sender_id: str
    body: str
    attachments: list[str]
    masked: bool
    created_at: str
    hidden: bool = Field(default=False, description="hidden by moderation (sender and admins)")


class ThreadOut(ApiModel):
    id: str
    about: AboutOut
    participants: list[str]
    last_message: MessageOut | None
    unread_count: int
    read_up_to: dict[str, str | None]
    created_at: str
    updated_at: str


class ThreadList(ApiModel):
    items: list[ThreadOut]
    next_cursor: str | None


class MessageList(ApiModel):
    items: list[MessageOut]
    next_cursor: str | None


class BlockOut(ApiModel):
    user_id: str
    created_at: str


class BlockList(ApiModel):
    items: list[BlockOut]
    next_cursor: str | None


ReportTargetType = Literal["user", "talent", "message", "review", "media", "job"]


class ReportTarget(StrictModel):
    type: ReportTargetType
    id: Id


class ReportCreate(StrictModel):
    target: ReportTarget
    reason: str = Field(min_length=1, max_length=200)
    details: str | None = Field(default=None, max_length=5000)


class ReportOut(ApiModel):
    id: str
    target: AboutOut
    reason: str
    details: str | None
    state: str
    reporter_id: str
    created_at: str


def message_out(raw: dict[str, Any]) -> MessageOut:
    return MessageOut.model_validate(raw)
