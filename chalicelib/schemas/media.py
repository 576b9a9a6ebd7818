from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.schemas.common import ApiModel, StrictModel

Purpose = Literal["portfolio", "avatar", "attachment", "evidence"]


class UploadRequest(StrictModel):
    purpose: Purpose
    filename: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$")
    content_type: str = Field(min_length=3, max_length=100)
    size: int = Field(ge=1, description="bytes; the upload must be exactly this size")


class PresignedPost(ApiModel):
    url: str
    fields: dict[str, str]


class UploadOut(ApiModel):
    media_id: str
    status: str
    upload: PresignedPost
    expires_at: str


class MediaOut(ApiModel):
    id: str
    purpose: str
    filename: str
    content_type: str
    size: int
    status: str
    reason: str | None = None
    download_url: str | None = None
    download_expires_at: str | None = None
    created_at: str
    hidden: bool = Field(default=False, description="hidden by moderation (owner and admins)")
