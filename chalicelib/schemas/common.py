"""Request and response pieces shared by many endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """Base of every API model. Validators are built on first use, not at import: a Lambda
    container pays only for the endpoints it serves (cold start)."""

    model_config = ConfigDict(defer_build=True)


class StrictModel(ApiModel):
    """Request bodies refuse unknown fields, so a typo is a 400 instead of silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class ErrorBody(ApiModel):
    code: str
    message: str
    details: dict[str, object]


class ErrorEnvelope(ApiModel):
    error: ErrorBody
